using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvEngine.Kernels.KernelSources;

/// <summary>
/// Assembles the source of one op family's program from the embedded kernel files, the same way for every
/// backend: the backend's prelude (<c>prelude.opencl.h</c>, <c>prelude.cuda.h</c>), the op codes of the
/// <see cref="UnaryOp"/>, <see cref="BinaryOp"/> and <see cref="PoolMode"/> enums as <c>#define</c>s, then
/// <c>family.k</c> with its <c>#include "file"</c> lines replaced by the files (so the compiler needs no
/// include path). <c>#line</c> directives keep compiler messages pointing at the right file and line.
/// </summary>
internal static partial class KernelSource
{
    /// <summary>The op families, one <c>.k</c> file each.</summary>
    public static readonly IReadOnlyList<string> Families = ["elementwise", "reduce", "softmax", "gemm", "conv2d", "pool2d", "optim"];

    /// <summary>The complete program text of <paramref name="family"/> for the dialect of <paramref name="prelude"/>.</summary>
    /// <param name="family">an entry of <see cref="Families"/></param>
    /// <param name="prelude">the prelude's file name, e.g. <c>prelude.opencl.h</c></param>
    public static string Program(string family, string prelude)
    {
        var text = new StringBuilder();
        Append(text, prelude, depth: 0);
        text.Append(EnumDefines());
        Append(text, family + ".k", depth: 0);
        return text.ToString();
    }

    /// <summary>The text of one embedded kernel file.</summary>
    /// <exception cref="ConvEngineException">when no such file is embedded.</exception>
    public static string Read(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(typeof(KernelSource).Namespace + "." + file)
            ?? throw new ConvEngineException($"kernel source '{file}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // Each file is spliced in at most 8 levels deep: deeper means an include cycle.
    private static void Append(StringBuilder text, string file, int depth)
    {
        if (depth > 8) throw new ConvEngineException($"kernel source '{file}': #include nested too deeply (a cycle?)");
        text.Append($"#line 1 \"{file}\"\n");
        string[] lines = Read(file).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var include = IncludeLine().Match(lines[i]);
            if (!include.Success)
            {
                text.Append(lines[i].TrimEnd('\r')).Append('\n');
                continue;
            }
            Append(text, include.Groups[1].Value, depth + 1);
            text.Append($"#line {i + 2} \"{file}\"\n");
        }
    }

    // UNARY_NEG 0, BINARY_MAXIMUM 5, POOL_AVG 1, ...: the enum values the host passes as op codes.
    private static string EnumDefines()
    {
        var text = new StringBuilder("#line 1 \"op codes\"\n");
        void Define<T>(string prefix) where T : struct, Enum
        {
            foreach (var value in Enum.GetValues<T>())
                text.Append($"#define {prefix}_{UpperSnake(value.ToString())} {Convert.ToInt32(value)}\n");
        }
        Define<UnaryOp>("UNARY");
        Define<BinaryOp>("BINARY");
        Define<PoolMode>("POOL");
        return text.ToString();
    }

    private static string UpperSnake(string pascal) => CapitalStart().Replace(pascal, "_$1").ToUpperInvariant();

    [GeneratedRegex("""^\s*#include\s+"([^"]+)"\s*$""")]
    private static partial Regex IncludeLine();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex CapitalStart();
}
