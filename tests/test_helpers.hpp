// test_helpers.hpp — assertions shared by the test suites.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/matrix.hpp"
#include "core/todo.hpp"

namespace nnlab::testing_helpers {

// Passes when a and b have one shape and every |a − b| ≤ tolerance; otherwise says where.
inline ::testing::AssertionResult matrices_near(const char* a_expr, const char* b_expr, const char*, const Matrix& a,
                                                const Matrix& b, float tolerance) {
    if (!a.same_shape(b))
        return ::testing::AssertionFailure() << a_expr << " is " << a.shape() << " but " << b_expr << " is " << b.shape();
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c)
            if (!(std::abs(a(r, c) - b(r, c)) <= tolerance))
                return ::testing::AssertionFailure()
                       << a_expr << " differs at (" << r << ", " << c << "): got " << a(r, c) << ", expected " << b(r, c)
                       << " (tolerance " << tolerance << ")\n"
                       << "got " << a << "\nexpected " << b;
    return ::testing::AssertionSuccess();
}

// C = A·B in double, rounded once: the value a correct float matmul is near.
inline Matrix reference_matmul(const Matrix& a, const Matrix& b) {
    Matrix c(a.rows(), b.cols());
    for (int i = 0; i < a.rows(); ++i)
        for (int j = 0; j < b.cols(); ++j) {
            double s = 0;
            for (int k = 0; k < a.cols(); ++k) s += static_cast<double>(a(i, k)) * b(k, j);
            c(i, j) = static_cast<float>(s);
        }
    return c;
}

// Runs f; passes when it throws E whose message contains every one of `parts`.
template <class E, class F>
::testing::AssertionResult throws_with(F&& f, std::initializer_list<std::string> parts) {
    try {
        f();
    } catch (const E& e) {
        const std::string what = e.what();
        for (const auto& part : parts)
            if (what.find(part) == std::string::npos)
                return ::testing::AssertionFailure() << "the message \"" << what << "\" does not mention \"" << part << "\"";
        return ::testing::AssertionSuccess();
    }  // another type propagates: the grading listener reports it (a TODO, say)
    return ::testing::AssertionFailure() << "nothing was thrown";
}

// "3×2 and 2×3", "in=0": the parts a rejection's message must name, for a sentence.
inline std::string name_list(std::initializer_list<std::string> parts) {
    std::string out;
    std::size_t i = 0;
    for (const auto& part : parts) {
        if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
        out += part;
        ++i;
    }
    return out;
}

// Runs f, which hands `function` input it must reject (a wrong shape, a bad label, a size
// ≤ 0) described by `input`: "dy of shape 3×2 for an input of shape 2×3". Returns "" when f
// throws std::invalid_argument naming every one of `parts`; else what to fix, in a sentence.
// A missing check rarely shows as a shape error: it shows later, as an index out of range
// (the student edition checks every m(i, j)), or not at all. The sentence names the missing
// check either way. A TODO's NotImplemented propagates: the grading listener reports it.
template <class F>
std::string rejection_problem(F&& f, const std::string& function, const std::string& input,
                              std::initializer_list<std::string> parts) {
    const std::string must = ": it must check its input first and throw std::invalid_argument naming " + name_list(parts);
    try {
        f();
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        for (const auto& part : parts)
            if (what.find(part) == std::string::npos)
                return function + " rejected " + input + ", but its message \"" + what + "\" does not name " + part + ": it must name " + name_list(parts);
        return "";
    } catch (const NotImplemented&) {
        throw;
    } catch (const std::exception& e) {
        return function + " accepted " + input + must + ". Without that check it failed later: " + e.what();
    }
    return function + " accepted " + input + " without an error" + must;
}

}  // namespace nnlab::testing_helpers

using nnlab::testing_helpers::reference_matmul;

#define EXPECT_MATRIX_NEAR(a, b, tol) EXPECT_PRED_FORMAT3(::nnlab::testing_helpers::matrices_near, a, b, tol)
#define ASSERT_MATRIX_NEAR(a, b, tol) ASSERT_PRED_FORMAT3(::nnlab::testing_helpers::matrices_near, a, b, tol)
// EXPECT_THROW_WITH(statement, std::invalid_argument, {"2×3", "4×5"})
#define EXPECT_THROW_WITH(statement, E, ...) \
    EXPECT_TRUE((::nnlab::testing_helpers::throws_with<E>([&] { statement; }, __VA_ARGS__)))
// EXPECT_REJECTED(relu.backward(Matrix(3, 2)), "ReLU::backward", "dy of shape 3×2 for …", {"3×2", "2×3"})
// fails with rejection_problem's sentence; it is true when the input was rejected as it must be.
#define EXPECT_REJECTED(statement, function, input, ...)                                                  \
    [&] {                                                                                                 \
        const std::string problem_ =                                                                      \
            ::nnlab::testing_helpers::rejection_problem([&] { statement; }, function, input, __VA_ARGS__); \
        if (!problem_.empty()) ADD_FAILURE_AT(__FILE__, __LINE__) << problem_;                           \
        return problem_.empty();                                                                          \
    }()

// ---- MNIST for the tests that train on it -------------------------------------------------
#include "data/dataset.hpp"

namespace nnlab::testing_helpers {

// The MNIST split, loaded once per test program; nullptr when the files are not there.
inline const Dataset* mnist(Split split) {
    static const bool present = has_dataset(data_dir() + "/mnist");
    if (!present) return nullptr;
    static const TrainTest both = load_train_test(data_dir() + "/mnist");
    return split == Split::Train ? &both.train : &both.test;
}

}  // namespace nnlab::testing_helpers

// In a test: const Dataset& train = *REQUIRE_MNIST(Split::Train);  — skips with how to fetch it.
#define REQUIRE_MNIST(split)                                                                             \
    ::nnlab::testing_helpers::mnist(split);                                                              \
    if (::nnlab::testing_helpers::mnist(split) == nullptr)                                               \
    GTEST_SKIP() << "MNIST is not in " << ::nnlab::data_dir() << "/mnist; fetch it with: cmake -P data/fetch.cmake mnist"
