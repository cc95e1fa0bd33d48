using ConvEngine.Kernels.Cuda.Native;

namespace ConvEngine.Kernels.Cuda;

/// <summary>Device memory of a <see cref="CudaBackend"/>: a CUdeviceptr of <see cref="DeviceBuffer.Length"/> floats (see <see cref="NativeBuffer{TMemory}"/>).</summary>
internal sealed class CudaBuffer(CudaBackend backend, int length, CudaMemory? memory, BufferCache<CudaMemory>? cache)
    : NativeBuffer<CudaMemory>(backend, length, memory, cache)
{
    /// <summary>The device address of element <paramref name="offset"/> (0 for an empty buffer).</summary>
    public ulong At(int offset) => Memory is null ? 0 : Memory.Pointer + 4UL * (ulong)offset;
}
