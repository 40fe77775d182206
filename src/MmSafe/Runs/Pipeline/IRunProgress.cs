namespace MmSafe.Runs.Pipeline;

/// <summary>Receives progress of a run's stages (a progress bar in the CLI, nothing in tests).</summary>
public interface IRunProgress
{
    /// <summary>A stage of <paramref name="total"/> requests to <paramref name="model"/>, of which <paramref name="done"/> were already in the store.</summary>
    IRunStage Stage(string name, string model, int total, int done);
}

public interface IRunStage
{
    void Advance(bool failed);

    /// <summary>The stage turned out to have fewer requests (answers that are not judged) or more.</summary>
    void Resize(int delta);
}

public sealed class NoProgress : IRunProgress, IRunStage
{
    public static readonly NoProgress Instance = new();

    public IRunStage Stage(string name, string model, int total, int done) => this;

    public void Advance(bool failed)
    {
    }

    public void Resize(int delta)
    {
    }
}
