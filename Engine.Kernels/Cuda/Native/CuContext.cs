namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>
/// Makes a context current on the calling thread. Driver calls act on the thread's current context, and tensors
/// are used from several threads (the data loader uploads on its own, finalizers free memory on theirs), so every
/// entry into the backend makes its context current first; the thread remembers it, so that is one compare.
/// </summary>
internal static class CuContext
{
    [ThreadStatic] private static nint _current;

    /// <summary>Makes <paramref name="context"/> current on this thread unless it already is.</summary>
    public static void MakeCurrent(nint context, string where) => CuCheck.Result(TryMakeCurrent(context), "cuCtxSetCurrent", where);

    /// <summary><see cref="MakeCurrent"/> returning cuCtxSetCurrent's result instead of throwing (for finalizers).</summary>
    public static int TryMakeCurrent(nint context)
    {
        if (_current == context) return CuResult.Success;
        int result = CuApi.cuCtxSetCurrent(context);
        if (result == CuResult.Success) _current = context;
        return result;
    }
}
