using System.Buffers.Binary;
using System.IO.Compression;

namespace ConvEngine.Data;

/// <summary>
/// The IDX format of MNIST-style datasets: a big-endian magic (0x0000 0x08 = unsigned bytes, then the
/// number of dimensions), big-endian int32 dimensions, then exactly Π dims payload bytes. The file may be
/// gzip-compressed (detected by its magic bytes 1f 8b) or plain. Every rejection is a
/// <see cref="ConvEngineException"/> naming the file and what is wrong.
/// </summary>
public sealed record IdxFile(string Path, int[] Dims, byte[] Payload)
{
    /// <summary>Magic of an image file: unsigned bytes, 3 dimensions (N, rows, cols).</summary>
    public const int ImagesMagic = 2051;

    /// <summary>Magic of a label file: unsigned bytes, 1 dimension (N).</summary>
    public const int LabelsMagic = 2049;

    /// <summary>Largest payload accepted (1 GiB): corrupt dimension fields must not make us allocate without bound.</summary>
    internal const long MaxPayload = 1L << 30;

    /// <summary>Reads and validates an IDX file whose magic must be <paramref name="expectedMagic"/>.</summary>
    public static IdxFile Read(string path, int expectedMagic)
    {
        try
        {
            using var file = File.OpenRead(path);
            return Read(file, path, expectedMagic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ConvEngineException($"{path}: cannot read IDX file: {e.Message}", e);
        }
    }

    private static IdxFile Read(FileStream file, string path, int expectedMagic)
    {
        Span<byte> probe = stackalloc byte[2];
        int got = file.ReadAtLeast(probe, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = got == 2 && probe[0] == 0x1f && probe[1] == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;

        Span<byte> word = stackalloc byte[4];
        if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            throw new ConvEngineException($"{path}: truncated IDX header (no magic number)");
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
            throw new ConvEngineException($"{path}: IDX magic number is {magic}, expected {expectedMagic} ({(expectedMagic == ImagesMagic ? "images" : "labels")})");

        var dims = new int[magic & 0xff];
        long payloadLength = 1;
        for (int d = 0; d < dims.Length; d++)
        {
            if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
                throw new ConvEngineException($"{path}: truncated IDX header (dimension {d} missing)");
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] < 0) throw new ConvEngineException($"{path}: IDX dimension {d} is negative ({dims[d]})");
            payloadLength *= dims[d];
            if (payloadLength > MaxPayload)
                throw new ConvEngineException($"{path}: IDX dimensions [{string.Join(", ", dims[..(d + 1)])}] exceed the {MaxPayload}-byte limit");
        }

        if (!gzip && file.Length - file.Position < payloadLength)
            throw new ConvEngineException($"{path}: truncated IDX payload: {file.Length - file.Position} of {payloadLength} bytes");
        var payload = ReadPayload(stream, (int)payloadLength, path);
        if (stream.ReadByte() >= 0)
            throw new ConvEngineException($"{path}: trailing bytes after the {payload.Length}-byte IDX payload");
        return new IdxFile(path, dims, payload);
    }

    // Grows the buffer as data actually arrives, so a corrupt size claim in a small compressed file
    // costs at most twice the bytes the file really holds.
    private static byte[] ReadPayload(Stream stream, int length, string path)
    {
        var buffer = new byte[Math.Min(length, 1 << 20)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) throw new ConvEngineException($"{path}: truncated IDX payload: {filled} of {length} bytes");
            filled += n;
        }
        return buffer;
    }
}
