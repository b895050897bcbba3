const shapes = require('./src/shapes');
const { double } = require('./src/math');

function main() {
  const c = new shapes.Circle(2);
  return double(c.area());
}

module.exports = { main };
