using System.Globalization;
using System.Text;

namespace ConvEngine.Nn;

/// <summary>
/// The table behind <see cref="Module.Summary"/>: one row per layer with its output shape and parameter
/// count, found by running a zero input through the model, then the totals (as torchinfo's summary).
/// </summary>
internal static class ModuleSummary
{
    private sealed record Row(string Layer, string OutputShape, string Params);

    public static string Of(Module module, int[] inputShape)
    {
        var device = module.Parameters().FirstOrDefault()?.Device ?? Device.Cpu;
        var rows = new List<Row>();
        using (Tensor.NoGrad()) Run(module, null, "", 0, Tensor.Zeros(inputShape, device), rows);

        var parameters = module.Parameters().ToList();
        long total = parameters.Sum(p => (long)p.Numel), trainable = parameters.Where(p => p.RequiresGrad).Sum(p => (long)p.Numel);
        var header = new Row("Layer (type)", "Output Shape", "Param #");
        // Columns at least torchinfo-like widths, wider when a name or shape needs it.
        int layerWidth = Math.Max(30, rows.Max(r => r.Layer.Length) + 2);
        int shapeWidth = Math.Max(20, rows.Max(r => r.OutputShape.Length) + 2);
        int paramsWidth = Math.Max(header.Params.Length, rows.Max(r => r.Params.Length));
        string rule = new('=', layerWidth + shapeWidth + paramsWidth);

        var sb = new StringBuilder();
        void Line(Row r) => sb.Append(r.Layer.PadRight(layerWidth)).Append(r.OutputShape.PadRight(shapeWidth)).Append(r.Params.PadLeft(paramsWidth)).Append('\n');
        Line(header);
        sb.Append(rule).Append('\n');
        foreach (var row in rows) Line(row);
        sb.Append(rule).Append('\n')
            .Append($"Total params: {Count(total)}\n")
            .Append($"Trainable params: {Count(trainable)}\n")
            .Append($"Non-trainable params: {Count(total - trainable)}\n")
            .Append(CultureInfo.InvariantCulture, $"Input size (MB): {Megabytes(new Size(inputShape).Numel)}\n")
            .Append(CultureInfo.InvariantCulture, $"Params size (MB): {Megabytes(total)}\n")
            .Append(rule);
        return sb.ToString();
    }

    // A Sequential is expanded into its layers, each fed the previous one's output (exactly what its Forward
    // does); any other module is one row whose count includes the parameters of its own children.
    private static Tensor Run(Module module, string? name, string path, int depth, Tensor input, List<Row> rows)
    {
        string label = new string(' ', 2 * depth) + (name is null ? "" : $"({name}): ") + module.GetType().Name;
        int at = rows.Count; // this row goes before its children's
        Tensor output;
        string count;
        if (module is Sequential)
        {
            output = input;
            foreach (var (childName, child) in module.NamedChildren())
                output = Run(child, childName, path.Length == 0 ? childName : $"{path}.{childName}", depth + 1, output, rows);
            count = "--";
        }
        else
        {
            try { output = module.Forward(input); }
            catch (ConvEngineException e)
            {
                string where = path.Length == 0 ? module.GetType().Name : $"layer {path} ({module.GetType().Name})";
                throw new ConvEngineException($"summary: {where} failed on input of shape {input.Shape}: {e.Message}", e);
            }
            long n = module.Parameters().Sum(p => (long)p.Numel);
            count = n == 0 ? "--" : Count(n);
        }
        rows.Insert(at, new Row(label, output.Shape.ToString(), count));
        return output;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    // float32 bytes in decimal megabytes, as torchinfo reports sizes.
    private static string Megabytes(long elements) => (elements * 4 / 1e6).ToString("F2", CultureInfo.InvariantCulture);
}
