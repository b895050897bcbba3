export function square(x) { return x * x; }
export const double = (x) => x * 2;
export const UNIT = 1;
