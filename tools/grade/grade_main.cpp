// nnlab-grade — runs every lab's graded tests and prints the score table.
//
//   nnlab-grade                     the table, the total and the next lab to work on
//   nnlab-grade --json results.json also write Gradescope's autograder results format
//   nnlab-grade --require-full      exit 1 unless every lab has full marks (CI)
//
// Each lab's test program describes its points (--nnlab-describe) and reports its results
// (--nnlab-results=FILE); a lab whose program crashes or hangs still gets a row.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/json_escape.hpp"

namespace fs = std::filesystem;
using nnlab::json_escape;

namespace {

struct TestRow {
    std::string name, status = "FAIL", message;
    int score = 0, max = 0;
};

struct LabResult {
    std::string id, title, program;
    int total = 0;
    std::vector<TestRow> tests;
    std::string problem;  // the program crashed, hung or could not run
    int score() const {
        int s = 0;
        for (const auto& t : tests) s += t.score;
        return s;
    }
    int failing() const {
        int n = 0;
        for (const auto& t : tests) n += t.status == "FAIL";
        return n;
    }
    int skipped() const {
        int n = 0;
        for (const auto& t : tests) n += t.status == "SKIP";
        return n;
    }
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> parts;
    std::stringstream in(line);
    std::string part;
    while (std::getline(in, part, '\t')) parts.push_back(part);
    return parts;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a lab's test program twice: once to learn its points, once to grade.
LabResult grade_lab(const std::string& program, const fs::path& scratch) {
    LabResult lab;
    lab.program = program;
    const fs::path describe = scratch / "describe.tsv", results = scratch / "results.tsv";
    fs::remove(results);
    if (std::system((shell_quote(program) + " --nnlab-describe > " + shell_quote(describe) + " 2>/dev/null").c_str()) != 0) {
        lab.problem = "could not run " + program + " (build it first)";
        return lab;
    }
    std::map<std::string, std::size_t> row_of;
    std::ifstream in(describe);
    for (std::string line; std::getline(in, line);) {
        auto f = split_tabs(line);
        if (f.size() == 4 && f[0] == "lab") {
            lab.id = f[1];
            lab.title = f[2];
            lab.total = std::stoi(f[3]);
        } else if (f.size() == 3 && f[0] == "test") {
            row_of[f[1]] = lab.tests.size();
            lab.tests.push_back({f[1], "FAIL", "did not run (the test program stopped before it)", 0, std::stoi(f[2])});
        }
    }
    // A generous limit: a student's infinite loop must not hang grading.
    const std::string run = "timeout 600 " + shell_quote(program) + " --nnlab-quiet --nnlab-results=" +
                            shell_quote(results) + " > /dev/null 2>&1";
    const int status = std::system(run.c_str());
    std::ifstream res(results);
    for (std::string line; std::getline(res, line);) {
        auto f = split_tabs(line);
        if (f.size() < 4 || !row_of.count(f[0])) continue;
        TestRow& row = lab.tests[row_of[f[0]]];
        row.score = std::stoi(f[1]);
        row.status = f[3];
        row.message = f.size() > 4 ? f[4] : "";
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 124) lab.problem = "timed out after 600 s (an endless loop?)";
    else if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1))
        lab.problem = "the test program crashed (status " + std::to_string(status) + "): run its tests with ctest to see where";
    return lab;
}

// Gradescope autograder results: {"score": …, "tests": [{"name", "score", "max_score", "output"}]}
void write_json(const std::vector<LabResult>& labs, const std::string& path) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write " + path);
    int total = 0;
    for (const auto& lab : labs) total += lab.score();
    out << "{\n  \"score\": " << total << ",\n  \"tests\": [";
    bool first = true;
    for (const auto& lab : labs) {
        for (const auto& t : lab.tests) {
            out << (first ? "\n" : ",\n") << "    {\"name\": \"" << json_escape(lab.id + " · " + t.name)
                << "\", \"score\": " << t.score << ", \"max_score\": " << t.max << ", \"output\": \""
                << json_escape(t.status + (t.message.empty() ? "" : ": " + t.message)) << "\"}";
            first = false;
        }
    }
    out << "\n  ]\n}\n";
}

// Why a lab is not done, in a few words: the earliest unfinished lab it depends on, if that is the cause.
std::string lab_note(const LabResult& lab) {
    if (!lab.problem.empty()) return lab.problem;
    if (lab.failing() == 0 && lab.skipped() > 0) {
        for (const auto& t : lab.tests)
            if (t.status == "SKIP") return std::to_string(lab.skipped()) + " skipped: " + t.message;
    }
    if (lab.failing() == 0) return "done";
    // The earliest lab that a failure blames ("complete lab02 first: …"), if any.
    std::string earliest;
    for (const auto& t : lab.tests) {
        const auto at = t.message.find("complete lab");
        if (at == std::string::npos) continue;
        const std::string blamed = t.message.substr(at, std::string("complete lab00 first").size());
        if (earliest.empty() || blamed < earliest) earliest = blamed;
    }
    if (!earliest.empty()) return earliest;
    return std::to_string(lab.failing()) + " of " + std::to_string(lab.tests.size()) + " tests failing";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"nnlab-grade: run every lab's graded tests and print the score table"};
    std::string json_path, labs_file = NNLAB_GRADE_LABS_FILE;
    bool require_full = false, verbose = false;
    app.add_option("--json", json_path, "also write Gradescope's results.json format to this file");
    app.add_option("--labs", labs_file, "the list of lab test programs (written by the build)")->check(CLI::ExistingFile);
    app.add_flag("--require-full", require_full, "exit 1 unless every lab has full marks");
    app.add_flag("-v,--verbose", verbose, "list every failing test with its message");
    CLI11_PARSE(app, argc, argv);

    std::vector<std::string> programs;
    std::ifstream list(labs_file);
    for (std::string line; std::getline(list, line);)
        if (!line.empty()) programs.push_back(line);
    if (programs.empty()) {
        std::cerr << "nnlab-grade: error: no lab test programs listed in " << labs_file << "\n";
        return 2;
    }

    char scratch_template[] = "/tmp/nnlab-grade-XXXXXX";
    if (mkdtemp(scratch_template) == nullptr) {
        std::cerr << "nnlab-grade: error: cannot make a temporary folder\n";
        return 2;
    }
    const fs::path scratch = scratch_template;

    std::vector<LabResult> labs;
    for (const auto& program : programs) labs.push_back(grade_lab(program, scratch));
    fs::remove_all(scratch);

    std::cout << "\nnnlab grade · " << NNLAB_EDITION_NAME << " edition (" << NNLAB_EDITION_DIR << ")\n\n";
    int total = 0, possible = 0;
    const LabResult* next = nullptr;
    for (const auto& lab : labs) {
        std::cout << "  " << std::left << std::setw(7) << lab.id << std::setw(24) << lab.title << std::right
                  << std::setw(4) << lab.score() << "/" << std::left << std::setw(5) << lab.total << " " << lab_note(lab)
                  << "\n";
        if (verbose)
            for (const auto& t : lab.tests)
                if (t.status != "PASS") std::cout << "          " << t.status << " " << t.name << ": " << t.message << "\n";
        total += lab.score();
        possible += lab.total;
        if (next == nullptr && lab.score() < lab.total) next = &lab;
    }
    std::cout << "  " << std::string(46, '-') << "\n  " << std::left << std::setw(31) << "total" << std::right
              << std::setw(4) << total << "/" << possible << "\n\n";
    if (next != nullptr)
        std::cout << "Next: " << next->id << " (" << next->title << "). See " << next->id
                  << "'s README, then: ctest --preset " << NNLAB_TEST_PRESET << " -L " << next->id
                  << " --output-on-failure\n\n";
    else
        std::cout << "Every lab is complete. Train your network: cmake --build --preset " << NNLAB_TEST_PRESET
                  << " --target train\n\n";

    if (!json_path.empty()) {
        write_json(labs, json_path);
        std::cout << "Wrote " << json_path << "\n";
    }
    return require_full && total < possible ? 1 : 0;
}
