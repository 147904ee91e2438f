#include "matrix.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace nnlab {

namespace {
constexpr std::size_t kAlignment = 64;

float* allocate(std::size_t count) {
    if (count == 0) return nullptr;
    // aligned_alloc wants a size that is a multiple of the alignment.
    std::size_t bytes = (count * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, bytes);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<float*>(p);
}

void check_dims(int rows, int cols) {
    if (rows < 0 || cols < 0)
        throw std::invalid_argument("Matrix: negative shape " + std::to_string(rows) + "×" + std::to_string(cols));
}
}  // namespace

void Matrix::FreeAligned::operator()(float* p) const { std::free(p); }

Matrix::Matrix(int rows, int cols) : rows_(rows), cols_(cols) {
    check_dims(rows, cols);
    capacity_ = size();
    data_.reset(allocate(capacity_));
    fill(0.0f);
}

Matrix::Matrix(int rows, int cols, std::initializer_list<float> values) : Matrix(rows, cols) {
    if (values.size() != size())
        throw std::invalid_argument("Matrix " + shape() + " needs " + std::to_string(size()) + " values, got " +
                                    std::to_string(values.size()));
    std::copy(values.begin(), values.end(), data());
}

Matrix::Matrix(const Matrix& other) : rows_(other.rows_), cols_(other.cols_), capacity_(other.size()) {
    data_.reset(allocate(capacity_));
    if (capacity_ > 0) std::memcpy(data(), other.data(), size() * sizeof(float));
}

Matrix& Matrix::operator=(const Matrix& other) {
    if (this != &other) {
        resize(other.rows_, other.cols_);
        if (size() > 0) std::memcpy(data(), other.data(), size() * sizeof(float));
    }
    return *this;
}

Matrix::Matrix(Matrix&& other) noexcept
    : rows_(other.rows_), cols_(other.cols_), capacity_(other.capacity_), data_(std::move(other.data_)) {
    other.rows_ = other.cols_ = 0;
    other.capacity_ = 0;
}

Matrix& Matrix::operator=(Matrix&& other) noexcept {
    if (this != &other) {
        rows_ = other.rows_;
        cols_ = other.cols_;
        capacity_ = other.capacity_;
        data_ = std::move(other.data_);
        other.rows_ = other.cols_ = 0;
        other.capacity_ = 0;
    }
    return *this;
}

float& Matrix::at(int r, int c) {
    if (r < 0 || r >= rows_ || c < 0 || c >= cols_)
        throw std::out_of_range("Matrix::at(" + std::to_string(r) + ", " + std::to_string(c) + ") is outside a " +
                                shape() + " matrix");
    return (*this)(r, c);
}

float Matrix::at(int r, int c) const { return const_cast<Matrix&>(*this).at(r, c); }

void Matrix::out_of_bounds(int r, int c, SourceLocation where) const {
    const std::string which = r < 0 || r >= rows_ ? "row " + std::to_string(r) : "column " + std::to_string(c);
    throw std::out_of_range("m(" + std::to_string(r) + ", " + std::to_string(c) + ") is outside a " + shape() +
                            " matrix (rows 0.." + std::to_string(rows_ - 1) + ", columns 0.." +
                            std::to_string(cols_ - 1) + "): " + which + " does not exist — check the loop bounds at " +
                            short_path(where.file) + ":" + std::to_string(where.line));
}

std::string Matrix::shape() const { return std::to_string(rows_) + "×" + std::to_string(cols_); }

void Matrix::fill(float value) { std::fill(data(), data() + size(), value); }

void Matrix::resize(int rows, int cols) {
    check_dims(rows, cols);
    std::size_t needed = static_cast<std::size_t>(rows) * cols;
    if (needed > capacity_) {
        data_.reset(allocate(needed));
        capacity_ = needed;
    }
    rows_ = rows;
    cols_ = cols;
}

std::ostream& operator<<(std::ostream& out, const Matrix& m) {
    constexpr int kShown = 6;  // rows and columns shown at each end of a long one
    // The next index to print after i: long rows and columns jump over their middle.
    auto next = [](int i, int n) { return (n > 2 * kShown && i == kShown - 1) ? n - kShown : i + 1; };
    auto jumps = [](int i, int n) { return n > 2 * kShown && i == kShown - 1; };
    std::ostringstream s;
    s << "Matrix " << m.shape();
    if (m.empty()) return out << s.str();
    s << "\n[";
    for (int r = 0; r < m.rows(); r = next(r, m.rows())) {
        s << (r == 0 ? "[" : " [");
        for (int c = 0; c < m.cols(); c = next(c, m.cols())) {
            s << m(r, c);
            if (c + 1 < m.cols()) s << (jumps(c, m.cols()) ? ", …, " : ", ");
        }
        s << (r + 1 < m.rows() ? "],\n" : "]");
        if (jumps(r, m.rows())) s << " …\n";
    }
    s << "]";
    return out << s.str();
}

void require_shape(const Matrix& a, int rows, int cols, const std::string& what) {
    if (a.rows() != rows || a.cols() != cols)
        throw std::invalid_argument(what + ": expected " + std::to_string(rows) + "×" + std::to_string(cols) +
                                    ", got " + a.shape());
}

}  // namespace nnlab
