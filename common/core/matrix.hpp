// matrix.hpp — the one data type of nnlab: a dense, row-major matrix of floats.
//
// Element (r, c) lives at data()[r * cols() + c]. Storage is 64-byte aligned so the GEMM
// can use aligned vector loads and a row of a batch starts on a cache line.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>

#include "core/todo.hpp"  // SourceLocation: where a bad index was written

namespace nnlab {

class Matrix {
public:
    Matrix() = default;                // 0×0
    Matrix(int rows, int cols);        // rows×cols, all zero
    // rows×cols from values listed row by row: Matrix(2, 2, {1, 2, 3, 4}).
    Matrix(int rows, int cols, std::initializer_list<float> values);

    Matrix(const Matrix& other);
    Matrix& operator=(const Matrix& other);
    Matrix(Matrix&& other) noexcept;
    Matrix& operator=(Matrix&& other) noexcept;
    ~Matrix() = default;

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    std::size_t size() const { return static_cast<std::size_t>(rows_) * cols_; }
    bool empty() const { return size() == 0; }

    float* data() { return data_.get(); }
    const float* data() const { return data_.get(); }
    float* row(int r) { return data_.get() + static_cast<std::size_t>(r) * cols_; }
    const float* row(int r) const { return data_.get() + static_cast<std::size_t>(r) * cols_; }

    // Element access. The student edition checks every index (the root CMakeLists.txt defines
    // NNLAB_CHECKED_ELEMENTS for all of its build, so every part of a program agrees on
    // this class): m(2, 3) on a 2×3 matrix throws std::out_of_range naming
    // the index, the shape and the file:line of the call, so an off-by-one loop bound fails
    // where it was written instead of reading a neighbour's memory. The instructor edition
    // leaves inner loops unchecked.
#ifdef NNLAB_CHECKED_ELEMENTS
    float& operator()(int r, int c, SourceLocation where = SourceLocation::current()) {
        if (r < 0 || r >= rows_ || c < 0 || c >= cols_) out_of_bounds(r, c, where);
        return data_[static_cast<std::size_t>(r) * cols_ + c];
    }
    float operator()(int r, int c, SourceLocation where = SourceLocation::current()) const {
        if (r < 0 || r >= rows_ || c < 0 || c >= cols_) out_of_bounds(r, c, where);
        return data_[static_cast<std::size_t>(r) * cols_ + c];
    }
#else
    float& operator()(int r, int c) { return data_[static_cast<std::size_t>(r) * cols_ + c]; }
    float operator()(int r, int c) const { return data_[static_cast<std::size_t>(r) * cols_ + c]; }
#endif

    // Checked access: throws std::out_of_range naming the index and the shape.
    float& at(int r, int c);
    float at(int r, int c) const;

    // "3×4"
    std::string shape() const;
    bool same_shape(const Matrix& other) const { return rows_ == other.rows_ && cols_ == other.cols_; }

    void fill(float value);
    // Changes the shape to rows×cols, reusing the storage when it is large enough.
    // The values are unspecified afterwards (buffers reused across training steps).
    void resize(int rows, int cols);

    // Throws std::out_of_range: "m(2, 3) is outside a 2×3 matrix (rows 0..1, columns 0..2)
    // at labs/lab01_matrix/matrix_ops.cpp:23".
    [[noreturn]] void out_of_bounds(int r, int c, SourceLocation where) const;

private:
    struct FreeAligned {
        void operator()(float* p) const;
    };
    int rows_ = 0, cols_ = 0;
    std::size_t capacity_ = 0;
    std::unique_ptr<float[], FreeAligned> data_;
};

// Prints the shape and the values; large matrices are elided with "…".
std::ostream& operator<<(std::ostream& out, const Matrix& m);

// Throws std::invalid_argument("<what>: expected <expected>, got <a.shape()>") unless
// a has the given shape. Every shape check in nnlab goes through here so the message
// always names both shapes.
void require_shape(const Matrix& a, int rows, int cols, const std::string& what);

}  // namespace nnlab
