// grading.hpp — points for GoogleTest tests, and the listener that reports each test.
//
// In a lab's test file:
//
//     NNLAB_LAB(lab02, "Linear layer", 100);       // the lab, its title, its total points
//     GRADED_TEST(Lab02Linear, ForwardHandValues, 10) { … EXPECT_… }
//     GRADED_TEST(Lab02Linear, LargeBatch, 10, hidden) { … }   // graded, not in the handout
//
// GRADED_TEST is TEST with the points (and "hidden", for a test scripts/release leaves out
// of the student handout) written beside it. nnlab-grade reads these lines from the test
// source to build its own points table; the program's table below only prints the score
// when a student runs the tests, and checks that a lab's points add up to its total.
//
// The listener (installed by the grading main, grading.cpp) prints one line per test —
// PASS/FAIL, points, and for a failure GoogleTest's own message (Expected / Actual kept) —
// and, for nnlab-grade, writes one JSON record per test to the file descriptor it was given
// (see record.hpp).
#pragma once

#include <gtest/gtest.h>

namespace nnlab::grading {

// visibility is "" or "hidden" (anything else stops the program: a typo must not grade).
int register_points(const char* test_name, int points, const char* visibility);
int register_lab(const char* lab, const char* title, int total);

}  // namespace nnlab::grading

#define NNLAB_LAB(lab, title, total) \
    static const int nnlab_lab_registration_ = ::nnlab::grading::register_lab(#lab, title, total)

#define GRADED_TEST(suite, name, points, ...)                                                    \
    static const int nnlab_points_##suite##_##name =                                             \
        ::nnlab::grading::register_points(#suite "." #name, points, #__VA_ARGS__);               \
    TEST(suite, name)
