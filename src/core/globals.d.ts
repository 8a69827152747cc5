// The one host facility the core uses beyond ES2022: structured cloning (every JS host we run on
// has it: browsers, workers, Node >= 17). It is what makes MachineState checkpoints plain data.
declare function structuredClone<T>(value: T): T;
