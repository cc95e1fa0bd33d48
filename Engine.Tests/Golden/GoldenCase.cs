using System.Text.Json;

namespace ConvEngine.Tests.Golden;

/// <summary>A tensor as the golden format stores it: shape and row-major data (int64 labels become floats).</summary>
public sealed record GoldenTensor(int[] Shape, float[] Data)
{
    public static GoldenTensor Parse(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        // GetSingle parses the decimal straight to float32, so float32-exact inputs arrive exactly.
        var data = e.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();
        return new GoldenTensor(shape, data);
    }

    public Tensor ToTensor(Device device) => Tensor.FromArray(Data, Shape.Length == 0 ? [] : Shape).Reshape(Shape).To(device);
}

/// <summary>One line of a golden file (see ../shared/golden/FORMAT.md).</summary>
public sealed record GoldenCase(
    string Id, string Op, JsonElement Attrs,
    IReadOnlyDictionary<string, GoldenTensor> Inputs,
    IReadOnlyDictionary<string, GoldenTensor> Params,
    GoldenTensor Output, GoldenTensor? GradOutput,
    IReadOnlyDictionary<string, GoldenTensor> Grads,
    string Source)
{
    public static GoldenCase Parse(string line, string source)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        IReadOnlyDictionary<string, GoldenTensor> Map(string name) =>
            root.TryGetProperty(name, out var e)
                ? e.EnumerateObject().ToDictionary(p => p.Name, p => GoldenTensor.Parse(p.Value))
                : new Dictionary<string, GoldenTensor>();
        return new GoldenCase(
            root.GetProperty("id").GetString()!,
            root.GetProperty("op").GetString()!,
            root.TryGetProperty("attrs", out var attrs) ? attrs.Clone() : default,
            Map("inputs"), Map("params"),
            GoldenTensor.Parse(root.GetProperty("output")),
            root.TryGetProperty("grad_output", out var go) ? GoldenTensor.Parse(go) : null,
            Map("grads"), source);
    }

    public int[] Pair(string name) => Attrs.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public string Str(string name) => Attrs.GetProperty(name).GetString()!;

    public override string ToString() => Id;
}
