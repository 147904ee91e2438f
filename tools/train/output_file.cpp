#include "output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace nnlab {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
    throw OutputError(path.string() + ": " + what + ": " + std::strerror(err));
}

// Writes all of `bytes` to `fd` (write() may take fewer bytes than asked, or be interrupted).
bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::filesystem::path unique_temp_name(const std::filesystem::path& path) {
    static std::atomic<unsigned> counter{0};
    return path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void check_standard_output() {
    std::cout.flush();  // cout shares stdout's buffer (synced with stdio): one check covers both
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    // The reason (errno) is known only when the failing write is this last flush.
    if (!flushed) throw OutputError(std::string("standard output: a write failed: ") + std::strerror(errno));
    if (std::ferror(stdout) || !std::cout) throw OutputError("standard output: a write failed: what it shows is incomplete");
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    const std::filesystem::path temp = unique_temp_name(path);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, "cannot create " + temp.filename().string(), errno);
    // fsync before the rename: otherwise a crash can leave the new name on an empty file.
    const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
    const int write_errno = errno;
    const bool closed = ::close(fd) == 0;  // NFS and quotas report some failures only here
    const int close_errno = errno;
    if (!written || !closed) {
        ::unlink(temp.c_str());
        fail(path, "cannot write", written ? close_errno : write_errno);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        fail(path, "cannot rename " + temp.filename().string() + " to it", err);
    }
}

}  // namespace nnlab
