// grading.hpp — points for GoogleTest tests, and the listener that prints the score.
//
// In a lab's test file:
//
//     NNLAB_LAB(lab02, "Linear layer", 100);       // the lab, its title, its total points
//     GRADED_TEST(Lab02Linear, ForwardHandValues, 10) { … EXPECT_… }
//
// GRADED_TEST is TEST with the points written beside it. The listener (installed by the
// grading main) prints one line per test — PASS/FAIL, points, and for a failure its first
// useful message — and the lab's score. If the points of a lab's tests do not add up to the
// declared total, the run says so and fails: the totals stay round.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace nnlab::grading {

int register_points(const char* test_name, int points);
int register_lab(const char* lab, const char* title, int total);

}  // namespace nnlab::grading

#define NNLAB_LAB(lab, title, total) \
    static const int nnlab_lab_registration_ = ::nnlab::grading::register_lab(#lab, title, total)

#define GRADED_TEST(suite, name, points)                                                         \
    static const int nnlab_points_##suite##_##name =                                             \
        ::nnlab::grading::register_points(#suite "." #name, points);                             \
    TEST(suite, name)
