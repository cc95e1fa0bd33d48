using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>Input buffers for the op benchmarks.</summary>
internal static class DeviceBuffers
{
    /// <summary>A buffer of <paramref name="length"/> floats drawn uniformly from [−1, 1) with <paramref name="generator"/>.</summary>
    public static DeviceBuffer Uniform(IBackend backend, Generator generator, int length)
    {
        var data = new float[length];
        generator.FillUniform(data, -1f, 1f);
        var buffer = backend.Allocate(length);
        backend.Upload(data, buffer);
        return buffer;
    }
}
