using System.Runtime.CompilerServices;

namespace ConvEngine.Kernels.Dialect;

/// <summary>
/// One argument of a kernel launch, as the kernel dialect declares it: a device buffer (or none), an int, a float,
/// or a struct of ints and floats passed by value. Each backend turns it into its API's form (a cl_mem set with
/// clSetKernelArg, a CUdeviceptr in cuLaunchKernel's parameter array).
/// </summary>
internal readonly struct KernelArg
{
    private readonly byte[] _bytes;

    private KernelArg(DeviceBuffer? buffer, bool isBuffer, byte[] bytes)
    {
        BufferOrNull = buffer;
        IsBuffer = isBuffer;
        _bytes = bytes;
    }

    /// <summary>True for a buffer argument (whose <see cref="BufferOrNull"/> may be null), false for a value.</summary>
    public bool IsBuffer { get; }

    /// <summary>The buffer of a buffer argument; null passes a null pointer, for a pointer the kernel does not read.</summary>
    public DeviceBuffer? BufferOrNull { get; }

    /// <summary>The bytes of a value argument, laid out as the C type of the kernel's parameter.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>A buffer argument; null passes a null pointer.</summary>
    public static KernelArg Buffer(DeviceBuffer? buffer) => new(buffer, true, []);

    /// <summary>A value of a blittable type (int, float, a mirror struct of KernelStructs.cs).</summary>
    public static KernelArg Value<T>(T value) where T : unmanaged
    {
        var bytes = new byte[Unsafe.SizeOf<T>()];
        Unsafe.WriteUnaligned(ref bytes[0], value);
        return new KernelArg(null, false, bytes);
    }

    /// <summary>An int argument.</summary>
    public static implicit operator KernelArg(int value) => Value(value);

    /// <summary>A float argument.</summary>
    public static implicit operator KernelArg(float value) => Value(value);
}
