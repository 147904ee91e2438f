#include "read_file.hpp"

#include "data/huge_pages.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nnlab {

namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory, not a file";
    if (S_ISFIFO(mode)) return "a FIFO, not a regular file";
    if (S_ISSOCK(mode)) return "a socket, not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device, not a regular file";
    return "not a regular file";
}

// Closes the descriptor however the read ends.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string read_regular_file(const std::string& path, std::size_t max_bytes, std::vector<std::uint8_t>& bytes) {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    const Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (f.fd < 0) return errno == ENOENT ? "no such file" : std::string("cannot open it: ") + std::strerror(errno);
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) return std::string("cannot stat it: ") + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return kind_of(st.st_mode);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes)
        return std::to_string(size) + " bytes, more than the " + std::to_string(max_bytes) + " this reader accepts";
    bytes.clear();
    bytes.shrink_to_fit();
    reserve_in_huge_pages(bytes, static_cast<std::size_t>(size));  // a data set is read at random
    bytes.resize(static_cast<std::size_t>(size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(f.fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::string("read error: ") + std::strerror(errno);
        if (n == 0) break;  // it shrank while we read
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return "";
}

}  // namespace nnlab
