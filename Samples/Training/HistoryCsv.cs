using System.Globalization;
using System.Text;

namespace ConvEngine.Samples.Training;

/// <summary>
/// <c>history.csv</c>: the header <c>epoch,loss,train_acc,test_acc,time_s,ex_per_s</c>, then one row per epoch with
/// full precision (round-trip floats), so a resumed run continues the same history it would have had.
/// </summary>
public static class HistoryCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "epoch,loss,train_acc,test_acc,time_s,ex_per_s";

    /// <summary>The file's text for <paramref name="history"/>.</summary>
    public static string Format(IEnumerable<EpochResult> history)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var e in history)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.Loss:R},{e.TrainAcc:R},{e.TestAcc:R},{e.Seconds:R},{e.ExamplesPerSecond:R}\n"));
        return sb.ToString();
    }

    /// <summary>Reads a history written by <see cref="Format"/>; anything else is a <see cref="ConvEngineException"/> naming the file and line.</summary>
    public static List<EpochResult> Read(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvEngineException($"{path}: cannot read: {e.Message}", e);
        }
        if (lines.Length == 0 || lines[0] != Header)
            throw new ConvEngineException($"{path}: expected the header '{Header}'");
        var history = new List<EpochResult>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            double D(int k) => double.Parse(f[k], NumberStyles.Float, CultureInfo.InvariantCulture);
            try
            {
                if (f.Length != 6) throw new FormatException($"{f.Length} fields instead of 6");
                history.Add(new EpochResult(int.Parse(f[0], CultureInfo.InvariantCulture), D(1), D(2), D(3), D(4), D(5)));
            }
            catch (FormatException e)
            {
                throw new ConvEngineException($"{path}:{i + 1}: malformed row '{lines[i]}': {e.Message}", e);
            }
        }
        return history;
    }
}
