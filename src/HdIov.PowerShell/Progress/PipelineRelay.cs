using System.Collections.Concurrent;
using System.Management.Automation;

namespace HdIov.PowerShell.Progress;

/// <summary>
/// Runs engine work on a worker thread while the calling (pipeline) thread, the only one PowerShell lets write
/// records, runs what the work posts: progress, verbose lines, output, questions. When the pipeline stops early
/// (Ctrl+C, an error), the work is cancelled and the calling thread keeps running its posts until it ends, so a
/// question it still asks gets an answer and its reports are complete.
/// </summary>
internal static class PipelineRelay
{
    public static T Run<T>(Func<BlockingCollection<Action>, T> work, CancellationTokenSource cancellation)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(cancellation);
        using var events = new BlockingCollection<Action>();
        var worker = Task.Run(
            () =>
            {
                try
                {
                    return work(events);
                }
                finally
                {
                    events.CompleteAdding();
                }
            },
            CancellationToken.None);
        try
        {
            foreach (var relay in events.GetConsumingEnumerable(CancellationToken.None))
            {
                relay();
            }
        }
        finally
        {
            if (!worker.IsCompleted)
            {
                cancellation.Cancel();
                while (!worker.IsCompleted)
                {
                    if (events.TryTake(out var relay, TimeSpan.FromMilliseconds(50)))
                    {
                        try
                        {
                            relay();
                        }
                        catch (PipelineStoppedException)
                        {
                        }
                    }
                }
            }
        }

        return worker.GetAwaiter().GetResult();
    }
}
