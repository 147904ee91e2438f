// state.hpp — what nnlab remembers in the student's project, under .nnlab/:
//   hints.json     the hint levels revealed, per lab and TODO: {"lab02": {"Linear::backward": 2}}
//   progress.json  each lab's last test result: {"lab02": {"passed": 5, "tests": 7, "score": 60, "max": 100,
//                  "stuck": "Lab02Linear.GradientCheckW", "stuck_todo": ""}}: the first test that failed
//                  or hit a TODO (stuck_todo: the TODO it hit), what `nnlab hint` helps with
// Both are small JSON files, rewritten atomically (a temp name, then a rename).
#pragma once

#include <map>
#include <string>

#include "project.hpp"

namespace nnlab::cli {

using HintLevels = std::map<std::string, std::map<std::string, int>>;  // lab → TODO → level 1–3
HintLevels load_hint_levels(const Project& project);
void save_hint_levels(const Project& project, const HintLevels& levels);

struct Progress {
    int passed = 0, tests = 0, score = 0, max = 0;
    std::string stuck, stuck_todo;  // the first failing or TODO test of the last run, and the TODO it hit
    bool done() const { return tests > 0 && passed == tests; }
};
std::map<std::string, Progress> load_progress(const Project& project);
void save_progress(const Project& project, const std::map<std::string, Progress>& progress);

}  // namespace nnlab::cli
