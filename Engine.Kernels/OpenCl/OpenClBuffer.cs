using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>Device memory of an <see cref="OpenClBackend"/>: a cl_mem of <see cref="DeviceBuffer.Length"/> floats (see <see cref="NativeBuffer{TMemory}"/>).</summary>
internal sealed class OpenClBuffer(OpenClBackend backend, int length, ClHandle? handle, BufferCache<ClHandle>? cache)
    : NativeBuffer<ClHandle>(backend, length, handle, cache);
