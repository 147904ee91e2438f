// nnlab — the student's command: where am I, test my lab, watch it, give me a hint, reset
// a lab, hand in.
//
//   nnlab status                       every lab: done / N of M failing / TODOs left / blocked
//   nnlab test [labNN]                 build, then run the lab's graded tests (the current lab)
//   nnlab watch [labNN]                rerun them whenever a file under labs/ changes
//   nnlab hint [labNN] [--level N] [--todo FUNCTION]
//   nnlab reset labNN [--yes]          the release version of the lab's file, yours kept as a backup
//   nnlab handin [--out FILE]          the zip the autograder takes, with HANDIN.txt (SHA-256)
//
// nnlab does not link the labs, so it works while they do not compile. It reads the lab
// manifest (labs.json), builds with cmake and grades with nnlab-grade, whose records it reads.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"

namespace fs = std::filesystem;
using namespace nnlab::cli;

int main(int argc, char** argv) {
    CLI::App app{"nnlab: your labs — status, test, watch, hint, reset, handin"};
    app.require_subcommand(1);
    fs::path root = NNLAB_SOURCE_DIR, build_dir = NNLAB_BINARY_DIR;
    app.add_option("--root", root, "the project (with labs.json and labs/)")->capture_default_str();
    app.add_option("--build-dir", build_dir, "its build folder")->capture_default_str();

    auto* status = app.add_subcommand("status", "every lab: done, failing tests, TODOs left, hints used; the next lab");

    std::optional<std::string> test_lab;
    auto* test = app.add_subcommand("test", "build, then run a lab's graded tests (default: the current lab)");
    test->add_option("lab", test_lab, "labNN");

    std::optional<std::string> watch_lab;
    auto* watch = app.add_subcommand("watch", "rebuild and rerun the current lab's tests whenever labs/ changes");
    watch->add_option("lab", watch_lab, "labNN (default: the current lab)");

    std::optional<std::string> hint_lab, hint_todo;
    std::optional<int> hint_level;
    auto* hint = app.add_subcommand("hint", "the next hint for the first TODO of a lab: 1 the idea, 2 shapes and calls, 3 a plan");
    hint->add_option("lab", hint_lab, "labNN (default: the current lab)");
    hint->add_option("--level", hint_level, "show this level (1, 2 or 3)")->check(CLI::Range(1, 3));
    hint->add_option("--todo", hint_todo, "the TODO's function, e.g. Linear::backward (default: the first left)");

    std::string reset_lab;
    bool yes = false;
    auto* reset = app.add_subcommand("reset", "put back the release version of a lab's file (yours is kept as a backup)");
    reset->add_option("lab", reset_lab, "labNN")->required();
    reset->add_flag("--yes", yes, "do not ask");

    fs::path handin_out;
    auto* handin = app.add_subcommand("handin", "write the zip to hand in: every lab file and HANDIN.txt with their SHA-256");
    handin->add_option("--out", handin_out, "the zip to write (default: handin.zip in the project)");

    CLI11_PARSE(app, argc, argv);
    try {
        const Project project = load_project(fs::absolute(root), fs::absolute(build_dir));
        const Tools tools = find_tools();
        if (*status) return status_command(project, tools);
        if (*test) return test_command(project, tools, test_lab);
        if (*watch) return watch_command(project, tools, watch_lab);
        if (*hint) return hint_command(project, hint_lab, hint_level, hint_todo);
        if (*reset) return reset_command(project, reset_lab, yes);
        if (*handin) return handin_command(project, handin_out);
    } catch (const std::exception& e) {
        std::cerr << "nnlab: error: " << e.what() << "\n";
        return 1;
    }
    return 2;
}
