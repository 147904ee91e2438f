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

    // Unchecked access, for inner loops.
    float& operator()(int r, int c) { return data_[static_cast<std::size_t>(r) * cols_ + c]; }
    float operator()(int r, int c) const { return data_[static_cast<std::size_t>(r) * cols_ + c]; }

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
