namespace ConvEngine.Kernels;

/// <summary>A backend's memory accounting, in bytes.</summary>
/// <param name="BytesInUse">Memory held by live buffers (allocated and neither disposed nor collected).</param>
/// <param name="BytesCached">Memory returned by disposed buffers and kept for reuse (<see cref="IBackend.EmptyCache"/> frees it).</param>
/// <param name="PeakBytesInUse">The highest <paramref name="BytesInUse"/> seen since the backend was created.</param>
public readonly record struct MemoryStats(long BytesInUse, long BytesCached, long PeakBytesInUse);
