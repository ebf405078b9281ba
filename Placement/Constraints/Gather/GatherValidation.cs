using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>gather</c> in a spec: VMs only, no node set.</summary>
internal sealed class GatherValidation : ConstraintValidation<Gather>;
