using System.Runtime.CompilerServices;
using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>One argument of a kernel launch: a buffer (or none), an int, a float, or a struct passed by value.</summary>
internal readonly struct KernelArg
{
    private readonly OpenClBuffer? _buffer;
    private readonly bool _isBuffer;
    private readonly byte[] _bytes;

    private KernelArg(OpenClBuffer? buffer)
    {
        _buffer = buffer;
        _isBuffer = true;
        _bytes = [];
    }

    private KernelArg(byte[] bytes)
    {
        _bytes = bytes;
        _buffer = null;
        _isBuffer = false;
    }

    /// <summary>A buffer argument; null passes a null cl_mem, for a pointer the kernel does not read.</summary>
    public static KernelArg Buffer(OpenClBuffer? buffer) => new(buffer);

    /// <summary>A value of a blittable type (int, float, a mirror struct of KernelStructs.cs).</summary>
    public static KernelArg Value<T>(T value) where T : unmanaged
    {
        var bytes = new byte[Unsafe.SizeOf<T>()];
        Unsafe.WriteUnaligned(ref bytes[0], value);
        return new KernelArg(bytes);
    }

    /// <summary>An int argument.</summary>
    public static implicit operator KernelArg(int value) => Value(value);

    /// <summary>A float argument.</summary>
    public static implicit operator KernelArg(float value) => Value(value);

    /// <summary>
    /// Sets this as argument <paramref name="index"/> of <paramref name="kernel"/> (named <paramref name="name"/>
    /// in errors, with the device <paramref name="where"/>). A buffer's handle gets a reference, returned for the
    /// caller to release once the launch is queued, so that it cannot be released in between.
    /// </summary>
    public unsafe ClHandle? SetOn(nint kernel, uint index, string name, string where)
    {
        int status;
        if (!_isBuffer)
        {
            fixed (byte* value = _bytes) status = ClApi.clSetKernelArg(kernel, index, (nuint)_bytes.Length, value);
            Check(status, index, name, where);
            return null;
        }
        var handle = _buffer?.Handle;
        bool added = false;
        handle?.DangerousAddRef(ref added);
        nint mem = handle?.Value ?? 0;
        status = ClApi.clSetKernelArg(kernel, index, (nuint)sizeof(nint), &mem);
        if (status != ClStatus.Success && added) handle!.DangerousRelease();
        Check(status, index, name, where);
        return handle;
    }

    private static void Check(int status, uint index, string name, string where)
    {
        if (status != ClStatus.Success) throw new OpenClException($"clSetKernelArg({name}, {index})", status, where);
    }
}
