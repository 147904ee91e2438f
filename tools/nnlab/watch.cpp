// nnlab watch — rebuilds and reruns the current lab's tests whenever a source file under
// labs/ changes; shows the first failing test; h shows a hint, q quits; moves on to the
// next lab when one is done. It sleeps in poll() between changes: never a busy loop.
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "state.hpp"

#ifdef __linux__
#include <sys/inotify.h>
#endif

namespace nnlab::cli {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) { stop_requested = 1; }

// The student's keys one at a time, unechoed, while watch runs; the terminal as it was after.
class RawTerminal {
public:
    RawTerminal() {
        if (!::isatty(0) || tcgetattr(0, &saved_) != 0) return;
        termios raw = saved_;
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        active_ = tcsetattr(0, TCSANOW, &raw) == 0;
    }
    ~RawTerminal() {
        if (active_) tcsetattr(0, TCSANOW, &saved_);
    }
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    termios saved_{};
    bool active_ = false;
};

bool is_source(const std::string& name) {
    for (const char* ext : {".cpp", ".hpp", ".h", ".cc"})
        if (name.size() > std::string(ext).size() && name.compare(name.size() - std::string(ext).size(), std::string::npos, ext) == 0)
            return name.front() != '.';  // editors' hidden temp files do not count
    return false;
}

// What changed under labs/, found by inotify on Linux, by comparing modification times
// once a second elsewhere.
class Watcher {
public:
    explicit Watcher(fs::path dir) : dir_(std::move(dir)) {
#ifdef __linux__
        fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd_ >= 0) {
            add(dir_);
            for (const auto& e : fs::recursive_directory_iterator(dir_))
                if (e.is_directory()) add(e.path());
        }
#endif
        if (fd_ < 0) snapshot_ = scan();
    }
    ~Watcher() {
        if (fd_ >= 0) ::close(fd_);
    }
    Watcher(const Watcher&) = delete;
    Watcher& operator=(const Watcher&) = delete;

    enum class Event { Changed, Key, Stop };
    // Waits for a change under the folder or a key on stdin (put into `key`).
    Event wait(char& key) {
        for (;;) {
            if (stop_requested) return Event::Stop;
            // Keys only from a terminal: with stdin a file or /dev/null, Ctrl-C or a signal stops.
            pollfd fds[2] = {{keys_ ? 0 : -1, POLLIN, 0}, {fd_, POLLIN, 0}};
            const int n = ::poll(fds, 2, fd_ >= 0 ? -1 : 1000);
            if (n < 0) continue;  // EINTR: a signal; stop_requested says which
            if (fds[0].revents & (POLLIN | POLLHUP)) {
                if (::read(0, &key, 1) == 1) return Event::Key;
                key = 'q';  // stdin closed: nobody can press q any more
                return Event::Key;
            }
            if (fd_ >= 0 && (fds[1].revents & POLLIN)) {
                if (drain()) return settle();
            } else if (fd_ < 0) {
                auto now = scan();
                if (now != snapshot_) {
                    snapshot_ = std::move(now);
                    return Event::Changed;
                }
            }
        }
    }

private:
    void add(const fs::path& dir) {
#ifdef __linux__
        inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
#endif
    }
    // Reads the pending events; true when one was about a source file.
    bool drain() {
        bool source = false;
#ifdef __linux__
        alignas(inotify_event) char buffer[8192];
        for (;;) {
            const ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) break;
            for (char* p = buffer; p < buffer + n;) {
                const auto* e = reinterpret_cast<const inotify_event*>(p);
                if (e->len > 0 && is_source(e->name)) source = true;
                p += sizeof(inotify_event) + e->len;
            }
        }
#endif
        return source;
    }
    // An editor's save is several events (write, rename, chmod): wait until 200 ms pass quietly.
    Event settle() {
        for (;;) {
            pollfd fd{fd_, POLLIN, 0};
            if (::poll(&fd, 1, 200) <= 0) return Event::Changed;
            drain();
        }
    }
    std::map<fs::path, fs::file_time_type> scan() const {
        std::map<fs::path, fs::file_time_type> times;
        std::error_code ec;
        for (const auto& e : fs::recursive_directory_iterator(dir_, ec))
            if (e.is_regular_file() && is_source(e.path().filename().string())) times[e.path()] = e.last_write_time(ec);
        return times;
    }

    fs::path dir_;
    bool keys_ = ::isatty(0) != 0;
    int fd_ = -1;
    std::map<fs::path, fs::file_time_type> snapshot_;
};

// One build and test run of a lab, shown on a cleared screen. True when the lab is done.
bool run_once(const Project& project, const Tools& tools, const Lab& lab, int run) {
    ScratchFile build_log(project, "watch-build.log"), grade_log(project, "watch-grade.log");
    const bool built = build_lab(project, tools, lab, build_log.path);
    LabResult result{lab.id, built, "", {}};
    if (built) result = grade(project, tools, {lab.id}, false, grade_log.path)[lab.id];
    auto progress = load_progress(project);
    progress[lab.id] = progress_of(result);
    save_progress(project, progress);

    if (::isatty(1)) std::cout << "\033[H\033[2J";  // clear the screen, cursor home
    const std::time_t now = std::time(nullptr);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&now));
    std::cout << "nnlab watch · " << lab.id << " " << lab.title << " · run " << run << " at " << clock << "\n\n";
    if (!built) {
        std::cout << lab.id << " does not compile:\n" << compiler_errors(build_log.path, 8) << "\n";
    } else if (result.done()) {
        std::cout << lab.id << ": all " << result.tests.size() << " tests pass (" << result.score() << "/" << result.max()
                  << ").\n";
    } else {
        std::cout << lab.id << ": " << result.tests.size() - result.failing() << " of " << result.tests.size()
                  << " tests pass (" << result.score() << "/" << result.max() << ").\n";
        if (const TestResult* skip = result.only_skipped()) {
            std::cout << "\nThe tests that ran pass; the others were skipped: " << skip->message << "\n";
        } else if (const TestResult* t = result.first_failing()) {
            std::cout << "\nFirst failing: " << t->test << (t->where.empty() ? "" : "  (" + t->where + ")") << "\n"
                      << t->message << "\n";
        }
    }
    std::cout << std::flush;
    return built && result.done();
}

}  // namespace

int watch_command(const Project& project, const Tools& tools, std::optional<std::string> id) {
    const Lab* lab = id ? &project.lab(*id) : current_lab(project);
    if (!lab) {
        std::cout << "Every lab is done: nothing to watch. (nnlab watch labNN watches one lab.)\n";
        return 0;
    }
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    RawTerminal raw;
    Watcher watcher(project.root / "labs");
    int run = 0;
    for (;;) {
        const bool done = run_once(project, tools, *lab, ++run);
        if (done) {
            const Lab* next = current_lab(project);
            if (next && next != lab) {
                std::cout << "\n" << lab->id << " is done. On to " << next->id << " (" << next->title << ")…\n" << std::flush;
                lab = next;
                continue;
            }
            if (!next) std::cout << "\nEvery lab is done. Train your network, then nnlab handin.\n";
        }
        std::cout << "\nWatching labs/ for changes — h: hint, q: quit\n" << std::flush;
        for (bool rerun = false; !rerun;) {
            char key = 0;
            switch (watcher.wait(key)) {
                case Watcher::Event::Stop:
                    return 130;
                case Watcher::Event::Changed:
                    rerun = true;
                    break;
                case Watcher::Event::Key:
                    if (key == 'q' || key == 'Q') return 0;
                    if (key == 'h' || key == 'H') {
                        std::cout << "\n";
                        try {
                            const HintChoice choice = default_hint_todo(project, *lab);
                            if (!choice.why.empty()) std::cout << "(" << choice.why << ")\n";
                            reveal_hint(project, *lab, choice.todo, std::nullopt);
                        } catch (const std::exception& e) {
                            std::cout << e.what() << "\n";
                        }
                        std::cout << "\nWatching labs/ for changes — h: hint, q: quit\n" << std::flush;
                    }
                    break;
            }
        }
    }
}

}  // namespace nnlab::cli
