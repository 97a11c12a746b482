#if canImport(Glibc)
    import Glibc
#endif

/// Allocator settings for the long-running service. glibc serves allocations under a threshold
/// that grows with use (up to 32 MiB) from arenas it rarely gives back, so after a few 5 MiB
/// webhook bodies the service kept hundreds of MiB it no longer used (243.9 MiB resident after
/// `scripts/fuzz-intake`, 64.7 MiB with the threshold fixed). A fixed threshold of 256 KiB sends
/// large buffers to `mmap`, returned to the system when freed.
enum MemoryTuning {
    /// `M_MMAP_THRESHOLD` of glibc's `<malloc.h>`, which Swift's Glibc module does not include.
    static let mmapThreshold: Int32 = -3

    static func apply() {
        #if canImport(Glibc)
            // Looked up at run time: `mallopt` is declared in `<malloc.h>` only.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(nil, "mallopt") else { return }
            _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 256 * 1024)
        #endif
    }
}
