using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>spread</c> in a spec: VMs only, no node set.</summary>
internal sealed class SpreadValidation : ConstraintValidation<Spread>;
