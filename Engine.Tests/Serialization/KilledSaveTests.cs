using ConvEngine.Serialization;
using ConvEngine.Tests.DataTests;

namespace ConvEngine.Tests.SerializationTests;

/// <summary>
/// Issue 7's "a crash mid-save leaves the previous checkpoint intact and loadable", with a real crash: a child
/// process saves a 32 MB checkpoint over and over (each save writes, flushes to disk and renames), and is killed
/// (SIGKILL, no clean-up) just after it starts a save. The file left behind must load, whole, as one of the saves.
/// </summary>
[TestFixture]
[NonParallelizable] // disk-bound: saves of its own, timed against a kill
public class KilledSaveTests
{
    private const int Floats = 8 << 20; // 32 MB: long enough to write that the kill lands inside a save

    [Test]
    public void KilledMidSave_ThePreviousCheckpointIsIntactAndLoadable()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.safetensors");
        // Two kills, after the 2nd and the 3rd save have begun: the 1st or the 2nd save is then complete.
        for (int round = 2; round <= 3; round++)
        {
            File.Delete(path);
            int completed;
            using (var child = ChildProcess.Start(new Dictionary<string, string>(), "save-loop", path, Floats.ToString()))
            {
                child.WaitFor($"saving {round}");
                Thread.Sleep(5); // into the save: serialising and writing 32 MB takes far longer
                child.Kill();
                completed = round - 1;
            }

            var contents = SafeTensors.Load(path); // a torn or partial file fails here, naming what is wrong
            int save = int.Parse(contents.Metadata["save"]);
            Assert.That(save, Is.EqualTo(completed).Or.EqualTo(completed + 1), "the last complete save, or the one killed if it had just finished");
            var w = contents.Tensors["w"].ToArray();
            Assert.That(w, Has.Length.EqualTo(Floats));
            Assert.That(w.Distinct(), Is.EqualTo(new[] { (float)save }), "every element from the same save");
        }
        // What a kill leaves is at most temporary files beside the checkpoint, never a damaged checkpoint.
        Assert.That(temp.FileNames().Where(f => f != "model.safetensors"), Is.All.EndsWith(".tmp"));
    }
}
