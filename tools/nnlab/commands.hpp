// commands.hpp — the nnlab subcommands. Each returns the process's exit status.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "project.hpp"
#include "runner.hpp"
#include "state.hpp"

namespace nnlab::cli {

int status_command(const Project& project, const Tools& tools);
int test_command(const Project& project, const Tools& tools, std::optional<std::string> lab);
int hint_command(const Project& project, std::optional<std::string> lab, std::optional<int> level,
                 std::optional<std::string> todo);
int reset_command(const Project& project, const std::string& lab, bool yes);
int handin_command(const Project& project, std::filesystem::path out);
int watch_command(const Project& project, const Tools& tools, std::optional<std::string> lab);

// The lab to work on: the first whose last test run was not all green, or that has not been
// tested since it was released or reset; nullptr when every lab is done.
const Lab* current_lab(const Project& project);

// Shows the next hint level (or `level`) for `todo` of `lab`, records it; returns the level shown.
int reveal_hint(const Project& project, const Lab& lab, const std::string& todo, std::optional<int> level);
// What a test run of a lab leaves in .nnlab/progress.json: the counts and what it is stuck on.
Progress progress_of(const LabResult& result);

// The TODO a hint is for by default, and why: the one the lab's first failing or TODO test
// of the last run is about (the TODO it hit, else the hint whose "tests" list it); without
// a run, the first TODO left in the lab's files; else the lab's first hint.
struct HintChoice {
    std::string todo, why;  // why: "Lab03Relu.ShapeMismatch failed in your last test run", or ""
};
HintChoice default_hint_todo(const Project& project, const Lab& lab);

}  // namespace nnlab::cli
