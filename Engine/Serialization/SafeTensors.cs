using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConvEngine.Serialization;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets into the
/// data section) plus an optional <c>"__metadata__"</c> string map, then the raw little-endian data.
/// ConvEngine writes F32 tensors in the given order with the header padded by spaces to 8 bytes, and
/// reads files strictly: every violation of the spec is a <see cref="ConvEngineException"/> naming the file.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted, as the reference implementation (100 MB).</summary>
    internal const long MaxHeaderLength = 100_000_000;

    private static readonly Dictionary<string, int> DtypeSizes = new()
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2,
        ["BF16"] = 2, ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>Saves <paramref name="tensors"/> (e.g. a <c>StateDict()</c>) to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        var payloads = new List<float[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            if (name == "__metadata__" || header.ContainsKey(name))
                throw new ConvEngineException($"{path}: tensor name '{name}' is reserved or repeated");
            var data = tensor.ToArray();
            payloads.Add(data);
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + 4L * data.Length),
            };
            offset += 4L * data.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // the data section starts 8-byte aligned
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var data in payloads)
            {
                var bytes = new byte[data.Length * 4];
                for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
                stream.Write(bytes);
            }
        });
    }

    /// <summary>A loaded file: tensors by name in file order (CPU, float32), and the metadata map.</summary>
    public sealed record Contents(OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads and validates <paramref name="path"/>; only F32 tensors can be loaded.</summary>
    public static Contents Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvEngineException($"{path}: cannot read: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Validates and decodes a safetensors image; <paramref name="name"/> appears in errors.</summary>
    public static Contents Parse(ReadOnlySpan<byte> bytes, string name)
    {
        ConvEngineException Bad(string what) => new($"{name}: invalid safetensors file: {what}");
        if (bytes.Length < 8) throw Bad($"{bytes.Length} bytes is too short for the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength) throw Bad($"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit");
        if (headerLength > (ulong)(bytes.Length - 8)) throw Bad($"header length {headerLength} runs past the end of the {bytes.Length}-byte file");
        var headerBytes = bytes.Slice(8, (int)headerLength);
        var data = bytes[(8 + (int)headerLength)..];

        List<KeyValuePair<string, JsonNode?>> members;
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
            using (var doc = JsonDocument.Parse(text))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
                if (FirstDuplicateKey(doc.RootElement) is { } duplicate) throw Bad($"duplicate key '{duplicate}' in header");
            }
            members = [.. JsonNode.Parse(text)!.AsObject()];
        }
        catch (Exception e) when (e is DecoderFallbackException or JsonException)
        {
            throw Bad($"header is not valid UTF-8 JSON ({e.Message.Split('\n')[0]})");
        }
        if (headerBytes[0] != (byte)'{') throw Bad("header JSON does not begin with '{'");

        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, string Dtype, int[] Shape, long Begin, long End)>();
        foreach (var (key, node) in members)
        {
            if (key == "__metadata__")
            {
                if (node is not JsonObject meta) throw Bad("__metadata__ is not an object");
                foreach (var (mk, mv) in meta)
                    metadata[mk] = mv is JsonValue v && v.TryGetValue(out string? s) ? s : throw Bad($"__metadata__ value of '{mk}' is not a string");
                continue;
            }
            entries.Add(ParseEntry(key, node, Bad));
        }

        // Ranges must tile the data section exactly: start at 0, no gaps, no overlaps, nothing left over.
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != expected)
                throw Bad(e.Begin < expected ? $"tensor '{e.Name}' overlaps the one before it" : $"gap before tensor '{e.Name}' (data_offsets start at {e.Begin}, expected {expected})");
            expected = e.End;
        }
        if (expected != data.Length) throw Bad($"tensors cover {expected} bytes but the data section holds {data.Length}");

        var tensors = new OrderedDictionary<string, Tensor>();
        foreach (var e in entries)
        {
            if (e.Dtype != "F32") throw new ConvEngineException($"{name}: tensor '{e.Name}' has dtype {e.Dtype}; ConvEngine loads only F32");
            var values = new float[(e.End - e.Begin) / 4];
            var src = data.Slice((int)e.Begin, (int)(e.End - e.Begin));
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
            tensors.Add(e.Name, Tensor.FromArray(values, e.Shape.Length == 0 ? [1] : e.Shape).Reshape(e.Shape));
        }
        return new Contents(tensors, metadata);
    }

    // The spec forbids duplicate keys; JsonDocument keeps them, so look at every object level.
    private static string? FirstDuplicateKey(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (FirstDuplicateKey(item) is { } inArray) return inArray;
                return null;
            case JsonValueKind.Object:
                var seen = new HashSet<string>();
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name)) return property.Name;
                    if (FirstDuplicateKey(property.Value) is { } inner) return inner;
                }
                return null;
            default:
                return null;
        }
    }

    private static (string, string, int[], long, long) ParseEntry(string key, JsonNode? node, Func<string, ConvEngineException> bad)
    {
        if (node is not JsonObject o) throw bad($"entry '{key}' is not an object");
        string dtype = o["dtype"] is JsonValue dv && dv.TryGetValue(out string? d) ? d : throw bad($"tensor '{key}' has no string dtype");
        if (!DtypeSizes.TryGetValue(dtype, out int size)) throw bad($"tensor '{key}' has unknown dtype '{dtype}'");
        if (o["shape"] is not JsonArray shapeArray) throw bad($"tensor '{key}' has no shape array");
        var shape = new int[shapeArray.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeArray[i] is not JsonValue sv || !sv.TryGetValue(out long dim) || dim < 0 || dim > int.MaxValue)
                throw bad($"tensor '{key}' has an invalid shape entry at {i}");
            shape[i] = (int)dim;
            count = checked(count * Math.Max(dim, 0));
            if (count > int.MaxValue) throw bad($"tensor '{key}' shape {Kernels.Shapes.Format(shape[..(i + 1)])} is too large");
        }
        if (o["data_offsets"] is not JsonArray offsets || offsets.Count != 2
            || offsets[0] is not JsonValue b || !b.TryGetValue(out long begin)
            || offsets[1] is not JsonValue e || !e.TryGetValue(out long end) || begin < 0 || end < begin)
            throw bad($"tensor '{key}' has invalid data_offsets");
        if (end - begin != count * size)
            throw bad($"tensor '{key}' of shape {Kernels.Shapes.Format(shape)} and dtype {dtype} needs {count * size} bytes but data_offsets span {end - begin}");
        if (o.Count != 3) throw bad($"tensor '{key}' has keys other than dtype, shape and data_offsets");
        return (key, dtype, shape, begin, end);
    }
}
