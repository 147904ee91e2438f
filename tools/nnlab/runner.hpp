// runner.hpp — builds a lab and runs its graded tests through nnlab-grade, reading the
// grader's records (JSON), never its printed text.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "project.hpp"

namespace nnlab::cli {

// The programs nnlab runs. Defaults: the cmake this project was configured with and the
// nnlab-grade beside nnlab; NNLAB_CMAKE and NNLAB_GRADE override them (the tests do).
struct Tools {
    std::string cmake, grade;
};
Tools find_tools();

// One test's record, as nnlab-grade --records writes it.
struct TestResult {
    std::string lab, test, status, blocked_by, message, where;
    int points = 0, max_points = 0;
    bool passed() const { return status == "passed"; }
};

struct LabResult {
    std::string lab;
    bool built = true;
    std::string build_log;  // the compiler's output when it did not build
    std::vector<TestResult> tests;

    int failing() const;
    int score() const;
    int max() const;
    bool done() const { return built && !tests.empty() && failing() == 0; }
    // The lab it waits for when its tests say "complete labNN first", or "".
    std::string blocked_by() const;
    const TestResult* first_failing() const;
    // What the student is stuck on: the first test that failed or hit a TODO of this lab
    // (not one skipped, nor one blocked by an earlier lab), or nullptr.
    const TestResult* stuck_on() const;
    // Every test that ran passed and the others were skipped (MNIST missing, say): the first
    // skipped one, whose message says what is missing; else nullptr.
    const TestResult* only_skipped() const;
};

// The TODO a "todo" record hit: "Linear::backward" from "lab02 · Linear::backward is still a
// TODO (…)"; "" for any other record.
std::string todo_hit(const TestResult& t);

// Builds the lab's test program (cmake --build <build dir> --target labNN_test nnlab-grade).
// With `log` empty the compiler writes to the terminal; else to that file.
bool build_lab(const Project& project, const Tools& tools, const Lab& lab, const std::filesystem::path& log = {});
// The same for every lab at once (one cmake run): true when all built.
bool build_all(const Project& project, const Tools& tools, const std::filesystem::path& log);

// Runs nnlab-grade on these labs and returns their records, lab by lab. `verbose`: the
// grader prints its line per test on the terminal; else its output goes to `log`.
std::map<std::string, LabResult> grade(const Project& project, const Tools& tools, const std::vector<std::string>& labs,
                                       bool verbose, const std::filesystem::path& log = {});

// Reads a records file: [{"lab","test","points","max_points","status","blocked_by","message","where"}].
std::vector<TestResult> read_records(const std::filesystem::path& file);

// The first lines of a build log that say "error" (the student's file:line first), at most `lines`.
std::string compiler_errors(const std::filesystem::path& log, int lines);

// A scratch file name under the project's .nnlab/ folder, removed by the destructor.
struct ScratchFile {
    std::filesystem::path path;
    explicit ScratchFile(const Project& project, const std::string& name);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
};

}  // namespace nnlab::cli
