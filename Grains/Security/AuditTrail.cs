using Discovery.Grains;
using Microsoft.Extensions.Logging;

namespace Discovery.Security;

/// <summary>Writes each audited call as a structured log line (category <c>Discovery.Audit</c>) and an <see cref="AuditEntry"/> event operators can watch.</summary>
public sealed partial class AuditTrail(IGrainFactory grains, ILoggerFactory loggers, TimeProvider? time = null)
{
    private readonly ILogger _log = loggers.CreateLogger("Discovery.Audit");
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Records one call.</summary>
    public void Record(Caller caller, string action, string target, string outcome)
    {
        LogCall(_log, caller.Subject, caller.Role, caller.Tenant, action, target, outcome);
        grains.EventHub().PublishAuditAsync(new AuditEntry(_time.GetUtcNow(), caller.Subject, caller.Role, caller.Tenant, action, target, outcome)).Ignore();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: {Subject} ({Role}, tenant {Tenant}) {Action} {Target}: {Outcome}")]
    private static partial void LogCall(ILogger logger, string subject, Role role, string? tenant, string action, string target, string outcome);
}
