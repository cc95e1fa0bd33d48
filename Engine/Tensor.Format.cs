using System.Text;

namespace ConvEngine;

// ToString exactly as PyTorch's repr: the same number formatting, alignment, line wrapping at 80
// columns, summarisation past 1000 elements and suffixes (device, requires_grad, grad_fn).
public sealed partial class Tensor
{
    private const int LineWidth = 80, EdgeItems = 3, Threshold = 1000;

    /// <summary>PyTorch's repr: <c>tensor([[19., 25.],\n        [37., 43.]])</c>.</summary>
    public override string ToString()
    {
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var data = ToArray();
        bool summarize = data.Length > Threshold;
        var formatter = new NumberFormatter(summarize ? SummarizedValues(data) : data);
        string body = data.Length == 0 ? "[]" : FormatDims(data, 0, _shape, indent, summarize, formatter);
        var suffixes = new List<string>();
        if (data.Length == 0 && Dim != 1) suffixes.Add("size=(" + string.Join(", ", _shape) + (Dim == 1 ? ",)" : ")"));
        if (!Device.Equals(Device.Cpu)) suffixes.Add($"device='{Device.Name}'");
        if (GradFn is not null) suffixes.Add($"grad_fn=<{GradFn.Name}>");
        else if (RequiresGrad) suffixes.Add("requires_grad=True");

        var sb = new StringBuilder(prefix).Append(body);
        string text = prefix + body; // PyTorch measures the last line including the prefix
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    // The block of `shape` starting at flat element `start`, indented for its depth.
    private static string FormatDims(float[] data, int start, ReadOnlySpan<int> shape, int indent, bool summarize, NumberFormatter f)
    {
        if (shape.Length == 0) return f.Format(data[start]);
        int inner = Kernels.Shapes.Numel(shape[1..]);
        var items = new List<string>();
        bool cut = summarize && shape[0] > 2 * EdgeItems;
        for (int i = 0; i < shape[0]; i++)
        {
            if (cut && i == EdgeItems)
            {
                items.Add(shape.Length == 1 ? " ..." : "...");
                i = shape[0] - EdgeItems - 1;
                continue;
            }
            items.Add(shape.Length == 1 ? f.Format(data[start + i]) : FormatDims(data, start + i * inner, shape[1..], indent + 1, summarize, f));
        }
        if (shape.Length > 1)
            return "[" + string.Join("," + new string('\n', shape.Length - 1) + new string(' ', indent + 1), items) + "]";

        // A vector wraps so each line fits in the line width.
        int perLine = Math.Max(1, (LineWidth - indent) / (f.Width + 2));
        var lines = items.Chunk(perLine).Select(line => string.Join(", ", line));
        return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
    }

    // The first and last EdgeItems along every dimension: what a summarised print shows.
    private float[] SummarizedValues(float[] data)
    {
        var kept = new List<float>();
        void Walk(int start, int dim)
        {
            int size = _shape[dim], inner = Kernels.Shapes.Numel(_shape.AsSpan(dim + 1));
            for (int i = 0; i < size; i++)
            {
                if (size > 2 * EdgeItems && i == EdgeItems) i = size - EdgeItems;
                if (dim == Dim - 1) kept.Add(data[start + i]);
                else Walk(start + i * inner, dim + 1);
            }
        }
        if (Dim == 0) return data;
        Walk(0, 0);
        return [.. kept];
    }

    /// <summary>PyTorch's _Formatter: integer, fixed (4 decimals) or scientific mode, one common width taken from the nonzero finite values.</summary>
    private sealed class NumberFormatter
    {
        private readonly bool _intMode = true, _sciMode;

        public NumberFormatter(float[] values)
        {
            var finite = values.Where(v => float.IsFinite(v) && v != 0f).Select(v => (double)v).ToArray();
            Width = 1;
            if (finite.Length == 0) return;
            double min = finite.Min(Math.Abs), max = finite.Max(Math.Abs);
            _intMode = finite.All(v => v == Math.Ceiling(v));
            _sciMode = _intMode ? max / min > 1000 || max > 1e8 : max / min > 1000 || max > 1e8 || min < 1e-4;
            foreach (double v in finite) Width = Math.Max(Width, Raw((float)v).Length + (_intMode && !_sciMode ? 1 : 0));
        }

        public int Width { get; }

        public string Format(float value)
        {
            string s = Raw(value);
            if (_intMode && !_sciMode && float.IsFinite(value)) s += ".";
            return s.PadLeft(Width);
        }

        private string Raw(float value)
        {
            if (float.IsNaN(value)) return "nan";
            if (float.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
            if (_sciMode) return ExactDecimal.Scientific(value, 4);
            return ExactDecimal.Fixed(value, _intMode ? 0 : 4);
        }
    }
}
