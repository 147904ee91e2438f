#include "huge_pages.hpp"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace nnlab {

void reserve_in_huge_pages(std::vector<std::uint8_t>& buffer, std::size_t bytes) {
    buffer.reserve(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    if (bytes < kHuge) return;
    const auto start = reinterpret_cast<std::uintptr_t>(buffer.data());
    const std::uintptr_t first = (start + kHuge - 1) / kHuge * kHuge;
    const std::uintptr_t end = (start + bytes) / kHuge * kHuge;
    // Only advice: where transparent huge pages are off, the buffer keeps 4 KiB pages.
    if (end > first) madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
#endif
}

}  // namespace nnlab
