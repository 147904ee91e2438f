// run_test.hpp — runs one graded test in its own process and decides its status.
//
// The child is the lab's test program with --gtest_filter=Suite.Name, in its own process
// group (fork + exec, limits set in the child: SpawnLimits), stdin from /dev/null, its output captured (bounded), its record on a pipe (fd 3)
// with a fresh random nonce in NNLAB_RECORD_NONCE. A test passes only when the process
// exits normally with status 0 after writing exactly one well-formed record, with this
// run's nonce, saying that this very test passed. Past the time limit the group gets
// SIGTERM, and SIGKILL after the grace period. No shell: an argv.
#pragma once

#include <sys/resource.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::grade {

// Set in the child before exec: its address space (RLIMIT_AS, 0: none), and, when asked
// (--as-nobody) and we run as root, the switch to nobody (65534), so a test cannot write the
// grading tree. Asked, not automatic: nobody must then be able to read every folder down to
// the test programs and the data, which a root user's private folders do not allow.
struct SpawnLimits {
    rlim_t memory_bytes = 0;
    bool drop_root = false;
};

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NNLAB_GRADE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(NNLAB_GRADE_ASAN)
constexpr rlim_t kDefaultTestMemory = 0;  // ASan reserves terabytes of address space
#else
constexpr rlim_t kDefaultTestMemory = rlim_t{2} << 30;  // 2 GiB
#endif

struct Limits {
    double timeout_s = 120;  // per test
    double grace_s = 2;      // between SIGTERM and SIGKILL
    SpawnLimits test{kDefaultTestMemory, false};
};

struct Outcome {
    // passed, failed, blocked, skipped, todo (from the record), crashed, timeout, interrupted
    std::string status, blocked_by, message, where;
};

// Set by the SIGINT/SIGTERM handler: every running child is killed and grading stops.
extern std::atomic<bool> interrupted;
void install_interrupt_handler();

Outcome run_test(const std::filesystem::path& program, const std::string& lab, const std::string& test,
                 const Limits& limits, const std::vector<std::string>& extra_env = {});

// Makes this process the subreaper of everything it starts: a daemon a test double-forks
// (setsid, its parent gone) is handed to us instead of init, so kill_strays() finds it.
void become_subreaper();

// Kills (SIGKILL) every descendant of this process that is not a supervised child or one
// of its descendants, until none is left; reaps those handed to us. Called after each test
// and each build step, before writing a result file, and at exit.
void kill_strays();

// "SIGSEGV" for 11: the name a crash message gives.
std::string signal_name(int signal);

// Runs argv (no shell) with a time limit, stdout and stderr merged into `output` (bounded
// to `max_output` bytes); returns the exit status as waitpid gives it, or -1 when it
// could not start (output says why). Used for the build steps and zip extraction.
int run_command(const std::vector<std::string>& argv, std::string& output, double timeout_s,
                std::size_t max_output = 1 << 20, const std::filesystem::path& cwd = {},
                const SpawnLimits& limits = {});

}  // namespace nnlab::grade
