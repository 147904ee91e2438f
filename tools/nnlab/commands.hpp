// commands.hpp — the nnlab subcommands. Each returns the process's exit status.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "project.hpp"
#include "runner.hpp"

namespace nnlab::cli {

int status_command(const Project& project, const Tools& tools);
int test_command(const Project& project, const Tools& tools, std::optional<std::string> lab);
int hint_command(const Project& project, std::optional<std::string> lab, std::optional<int> level,
                 std::optional<std::string> todo);
int reset_command(const Project& project, const std::string& lab, bool yes);
int handin_command(const Project& project, std::filesystem::path out);
int watch_command(const Project& project, const Tools& tools, std::optional<std::string> lab);

// The lab to work on: the first whose files still have TODOs or whose last test run was not
// all green; nullptr when every lab is done.
const Lab* current_lab(const Project& project);

// Shows the next hint level (or `level`) for `todo` of `lab`, records it; returns the level shown.
int reveal_hint(const Project& project, const Lab& lab, const std::string& todo, std::optional<int> level);
// The TODO a hint is for by default: the first one left in the lab's files, else its first hint.
std::string default_hint_todo(const Project& project, const Lab& lab);

}  // namespace nnlab::cli
