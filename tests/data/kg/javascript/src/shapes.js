import { square } from './math.js';

export class Shape {
  name() { return 'shape'; }
}

export class Circle extends Shape {
  constructor(r) { super(); this.r = r; }
  area() { return Math.PI * square(this.r); }
  describe() { return this.name() + this.area(); }
}
