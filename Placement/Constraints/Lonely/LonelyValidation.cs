using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>lonely</c> in a spec: VMs only, no node set.</summary>
internal sealed class LonelyValidation : ConstraintValidation<Lonely>;
