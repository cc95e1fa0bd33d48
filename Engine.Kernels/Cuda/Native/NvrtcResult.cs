namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>nvrtcResult codes by name (nvrtc.h, CUDA 13).</summary>
internal static class NvrtcResult
{
    /// <summary>NVRTC_SUCCESS.</summary>
    public const int Success = 0;
    /// <summary>NVRTC_ERROR_COMPILATION: the source did not compile; the program log says why.</summary>
    public const int Compilation = 6;

    /// <summary>The code's name as nvrtc.h spells it, or <c>NVRTC error N</c> when unknown.</summary>
    public static string Name(int result) => result switch
    {
        0 => "NVRTC_SUCCESS",
        1 => "NVRTC_ERROR_OUT_OF_MEMORY",
        2 => "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        3 => "NVRTC_ERROR_INVALID_INPUT",
        4 => "NVRTC_ERROR_INVALID_PROGRAM",
        5 => "NVRTC_ERROR_INVALID_OPTION",
        6 => "NVRTC_ERROR_COMPILATION",
        7 => "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        8 => "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
        9 => "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        10 => "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
        11 => "NVRTC_ERROR_INTERNAL_ERROR",
        12 => "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
        13 => "NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED",
        14 => "NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED",
        15 => "NVRTC_ERROR_PCH_CREATE",
        16 => "NVRTC_ERROR_CANCELLED",
        17 => "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED",
        _ => $"NVRTC error {result}",
    };
}
