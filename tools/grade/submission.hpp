// submission.hpp — grading a student's hand-in with the instructor's headers and tests.
//
// From a submission (a folder, or a .zip unpacked safely first) only the files the manifest
// says a student edits are taken, looked for as <sub>/labs/<folder>/<file>, then
// <sub>/<folder>/<file>, then a unique <sub>/**/<file>. They are copied over the released
// stubs in a staging labs/ folder, which a build tree of the instructor's project (student
// edition, NNLAB_LABS_DIR = the staging folder) compiles: the headers and tests are the
// instructor's. The tree is configured and built once; per submission only the lab
// libraries and the test programs are rebuilt, one lab at a time, so a lab that does not
// compile gets 0 with its first compiler errors while the others are graded (its stub
// stands in, so labs that depend on it fail as blocked, not as "not built").
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "manifest.hpp"
#include "run_test.hpp"

namespace nnlab::grade {

struct Submission {
    std::map<std::string, std::filesystem::path> files;  // "lab02_linear/linear.cpp" → where it was found
    std::map<std::string, std::string> missing;           // lab id → "not handed in: labs/…"
    std::map<std::string, std::string> review;            // lab id → review_notes() of its files
};

// Unpacks `zip` into `into` (which must not exist): no absolute paths, no "..", no links,
// at most 2000 entries and 64 MiB in all. Throws std::runtime_error saying what was refused.
void unpack_zip(const std::filesystem::path& zip, const std::filesystem::path& into);

// The lines of a lab file that use what no lab needs and tampering does (a static
// constructor, getenv/environ, /proc, _exit, fork, setsid, syscall, asm, dlsym, signal,
// ptrace, #pragma, a #define of a GoogleTest or grading name, GoogleTest's internals):
// "labs/…:line: construct", a line each; "" when none. A flag for a human, not a verdict.
std::string review_notes(const std::string& content, const std::string& shown);

Submission locate_files(const Manifest& manifest, const std::filesystem::path& root);

// Each lab's build: stopped (its process group killed) after timeout_s; the compiler's
// address space limited (RLIMIT_AS) to memory_bytes, 0: none.
struct BuildLimits {
    double timeout_s = 120;
    rlim_t memory_bytes = rlim_t{4} << 30;
};

class BuildTree {
public:
    BuildTree(std::filesystem::path source, std::filesystem::path dir, std::string cmake, int jobs,
              BuildLimits limits = {});

    // Configures the tree (once) and builds every lab's test program against the stubs.
    // Returns false with `log` holding the output when that fails.
    bool prepare(const Manifest& manifest, std::string& log);

    // Stages the submission's files and builds the given labs; returns lab id → problem
    // ("does not compile:\n<first errors>", "not handed in: …") for the labs scored 0.
    std::map<std::string, std::string> build(const Manifest& manifest, const Submission& sub,
                                             const std::set<std::string>& labs);

    std::filesystem::path bin_dir() const { return dir_ / "build" / "bin"; }

    // Puts the staging labs/ folder back to exactly the released files: every other file
    // removed, every instructor file checked by content; the stubs staged when stage_stubs.
    void restore(const Manifest& manifest, bool stage_stubs = true) const;

private:
    bool build_target(const std::string& target, std::string& log, double timeout_s) const;
    void stage(const LabSpec& lab, const Submission* sub) const;
    std::string build_problem(const std::string& log, int lines = 40) const;
    std::string include_problem(const std::string& key) const;
    std::vector<std::filesystem::path> system_include_dirs(const std::string& cxx) const;

    std::filesystem::path source_, dir_;
    std::string cmake_;
    int jobs_;
    BuildLimits limits_;
};

// The first `lines` lines of a build log that say something (make's progress removed),
// with the staging folder's path shortened to labs/.
std::string compiler_errors(const std::string& log, const std::string& stage_dir, int lines = 40);

}  // namespace nnlab::grade
