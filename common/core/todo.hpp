// todo.hpp — how an unfinished lab function reports itself.
//
// Every function a student writes starts as a call nnlab::todo("lab02", "Linear::backward")
// (the instructors' scripts/make-labs puts it where the solution goes). The call throws
// NotImplemented, so the student edition compiles, runs, and each test fails with a message
// that names the lab, the function and the file:line to edit — instead of crashing or
// printing garbage.
#pragma once

#include <stdexcept>
#include <string>

#if defined(__cpp_lib_source_location) || (__has_include(<source_location>) && defined(__GNUC__) && !defined(__clang__))
#include <source_location>
#define NNLAB_HAS_STD_SOURCE_LOCATION 1
#endif

namespace nnlab {

// Where a call was written. std::source_location where the library has it; clang 14 with
// libstdc++ lacks it, so there we read the same facts from the compiler builtins.
struct SourceLocation {
    const char* file;
    unsigned line;
#ifdef NNLAB_HAS_STD_SOURCE_LOCATION
    static SourceLocation current(std::source_location loc = std::source_location::current()) {
        return {loc.file_name(), static_cast<unsigned>(loc.line())};
    }
#else
    static SourceLocation current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
        return {file, line};
    }
#endif
};

// "labs/lab02_linear/linear.cpp" from "/home/ana/nnlab/labs/lab02_linear/linear.cpp": the
// edition folder, the lab folder and the file are what a student needs to find it.
std::string short_path(const std::string& path);

// Thrown by a function the student has not written yet.
class NotImplemented : public std::logic_error {
public:
    NotImplemented(std::string lab, std::string function, std::string where);
    const std::string& lab() const { return lab_; }
    const std::string& function() const { return function_; }
    const std::string& where() const { return where_; }

private:
    std::string lab_, function_, where_;
};

// Throws NotImplemented: "lab02 · Linear::backward is still a TODO (labs/lab02_linear/linear.cpp:41)".
[[noreturn]] void todo(const char* lab, const char* function, SourceLocation where = SourceLocation::current());

// The last TODO hit by this process, or nullptr. The grading listener reads it to explain a
// failure even when a test caught the exception (e.g. EXPECT_THROW of another type).
const NotImplemented* last_todo();
void clear_last_todo();

}  // namespace nnlab
