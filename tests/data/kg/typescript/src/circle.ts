import { Base } from "./shape";
import * as util from "./util";

export class Circle extends Base {
  constructor(private r: number) { super(); }
  area(): number { return util.square(this.r) * Math.PI; }
}
