// project.hpp — what the nnlab command knows about the student's project: where it is, the
// lab manifest (labs.json) with its hints, the lab files and the TODOs still in them.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nnlab::cli {

struct Hint {
    std::string todo;                 // the function, as its TODO names it: "Linear::backward"
    std::vector<std::string> tests;   // the graded tests about it: "Lab02Linear.GradientCheckW"
    std::vector<std::string> levels;  // 1 the idea, 2 shapes and calls, 3 the step-by-step plan
};

struct Lab {
    std::string id, title, folder;
    std::vector<std::string> student_files, depends;
    int points = 0;
    std::vector<Hint> hints;
};

struct Project {
    std::filesystem::path root;       // holds labs.json and labs/
    std::filesystem::path build_dir;  // the student build (build/student)
    std::vector<Lab> labs;

    const Lab& lab(const std::string& id) const;  // throws naming the known ids
    std::filesystem::path lab_file(const Lab& lab, const std::string& file) const {
        return root / "labs" / lab.folder / file;
    }
    std::filesystem::path state_dir() const { return root / ".nnlab"; }
};

// Reads root/labs.json; throws std::runtime_error naming the file and what is wrong.
Project load_project(const std::filesystem::path& root, const std::filesystem::path& build_dir);

// A TODO still in a lab file: the function, and where (labs/lab02_linear/linear.cpp:41).
struct Todo {
    std::string function, where;
};
// The nnlab::todo("labNN", "…") calls left in the lab's student files, in file order.
std::vector<Todo> todos_left(const Project& project, const Lab& lab);

// Reads a whole file; throws naming it when it cannot.
std::string read_text(const std::filesystem::path& path);
// Writes `text` to a temporary name beside `path`, flushes it, then renames it over `path`:
// a reader sees the old file or the new one, never half of one.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace nnlab::cli
