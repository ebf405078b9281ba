namespace Discovery.Model;

/// <summary>The kinds of event that make a node start a partition.</summary>
public enum EventKind
{
    /// <summary>CPU or memory demand above capacity.</summary>
    Overload = 0,
    /// <summary>Load below the configured underload threshold: the node could be emptied.</summary>
    Underload = 1,
    /// <summary>An operator asked to drain the node (maintenance): it must end empty.</summary>
    Maintenance = 2,
    /// <summary>
    /// CPU load above the pressure threshold but not overloaded yet: the node sheds load down to the headroom target
    /// before a demand change overloads it (only when <c>Scheduling:PressureThreshold</c> is set).
    /// </summary>
    Pressure = 3,
}
