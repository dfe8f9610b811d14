using System.Threading.Channels;

namespace PartnerMesh.Data;

/// <summary>
/// The loop of a group-commit writer: requests queue their work and each waits until the transaction that carries it has
/// committed, while the work that arrives during one commit goes into the next. Under load one transaction carries many
/// requests instead of one each; a lone request still commits at once.
/// </summary>
public static class GroupCommit
{
    /// <summary>
    /// Hands <paramref name="commit"/> batches of up to <paramref name="maxBatchSize"/> queued items (those
    /// <paramref name="admit"/> accepts) until the queue is completed and empty. After <paramref name="stoppingToken"/>
    /// it still drains what is queued: those callers were promised a commit.
    /// </summary>
    public static async Task RunAsync<T>(
        ChannelReader<T> queue, int maxBatchSize, Func<IReadOnlyList<T>, Task> commit, CancellationToken stoppingToken, Func<T, bool>? admit = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(commit);
        var batch = new List<T>(maxBatchSize);
        while (await WaitToReadAsync(queue, stoppingToken))
        {
            while (batch.Count < maxBatchSize && queue.TryRead(out var item))
            {
                if (admit is null || admit(item))
                {
                    batch.Add(item);
                }
            }

            if (batch.Count > 0)
            {
                await commit(batch);
                batch.Clear();
            }
        }
    }

    /// <summary>
    /// Commits a batch as a whole; if that fails, commits each item on its own, so one bad item fails alone and only its
    /// caller (<paramref name="fail"/>) sees the database's error. <paramref name="batchFailed"/> hears of the batch's failure.
    /// </summary>
    public static async Task CommitWithFallbackAsync<T>(
        IReadOnlyList<T> batch, Func<IReadOnlyList<T>, Task> commit, Action<T, Exception> fail, Action<Exception>? batchFailed = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(fail);
        try
        {
            await commit(batch);
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            batchFailed?.Invoke(exception);
            foreach (var item in batch)
            {
                try
                {
                    await commit([item]);
                }
                catch (Exception single)
                {
                    fail(item, single);
                }
            }
        }
        catch (Exception exception)
        {
            fail(batch[0], exception);
        }
    }

    /// <summary>Stops waiting on shutdown only once the queue is both completed and empty.</summary>
    private static async Task<bool> WaitToReadAsync<T>(ChannelReader<T> queue, CancellationToken stoppingToken)
    {
        try
        {
            return await queue.WaitToReadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return queue.TryPeek(out _);
        }
    }
}
