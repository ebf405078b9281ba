using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>offline</c> in CP-SAT: the nodes leave every VM's domain; nothing in the model.</summary>
internal sealed class OfflineEncoding : ConstraintEncoding<Offline>
{
    protected override void Restrict(Offline c, int[] members, Domains domains) => domains.Close(c.Nodes);
}
