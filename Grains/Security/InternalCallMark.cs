namespace Discovery.Security;

/// <summary>
/// Marks the calls a silo's own code makes (its grains, and its in-process services when they act without a client's
/// token) so that <see cref="CallerFilter"/> lets them through; calls a silo's HTTP API makes with a client's token stay
/// unmarked and are judged as the client's. Calls to clients' observers carry none of the security keys: a client never
/// sees the mark nor another caller's token.
/// </summary>
public sealed class InternalCallMark(SecurityOptions options) : IOutgoingGrainCallFilter
{
    private readonly string _mark = ClusterKey.InternalMark(options.ClusterKey);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.TargetId.IsClient())
        {
            RequestContext.Remove(CallerContext.InternalKey);
            RequestContext.Remove(CallerContext.TokenKey);
            RequestContext.Remove(CallerContext.CallerKey);
        }
        else if (context.SourceId is { } source && !source.IsClient() || RequestContext.Get(CallerContext.TokenKey) is null)
        {
            RequestContext.Set(CallerContext.InternalKey, _mark);
        }
        else
        {
            RequestContext.Remove(CallerContext.InternalKey);
        }
        return context.Invoke();
    }
}
