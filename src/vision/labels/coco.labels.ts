// COCO's 80 detector classes (centernet's class index order) → Rekognition label names, parents and categories.
// One COCO class may give several Rekognition names: 'cell phone' is both "Mobile Phone" and "Cell Phone", as
// Rekognition reports phones (the virtual-proctor tutorial checks for either name).

export interface RekognitionLabelDef {
  /** Labels that carry the detector's instances (boxes). */
  names: string[];
  /** Ancestors, nearest first; each is also reported as a label of its own, without instances. */
  parents: string[];
  categories: string[];
}

const C = {
  person: 'Person Description',
  vehicle: 'Vehicles and Automotive',
  outdoor: 'Buildings and Architecture',
  animal: 'Animals and Pets',
  accessory: 'Apparel and Accessories',
  sports: 'Sports',
  kitchen: 'Kitchen and Dining',
  food: 'Food and Beverage',
  furniture: 'Furniture and Furnishings',
  tech: 'Technology and Computing',
  home: 'Home and Indoors',
  everyday: 'Everyday Objects',
} as const;

const def = (names: string[], parents: string[], category: string): RekognitionLabelDef => ({
  names,
  parents,
  categories: [category],
});
const vehicle = (name: string, parents: string[] = []): RekognitionLabelDef =>
  def([name], [...parents, 'Vehicle', 'Transportation'], C.vehicle);
const pet = (name: string): RekognitionLabelDef => def([name], ['Pet', 'Mammal', 'Animal'], C.animal);
const animal = (name: string, parents: string[] = ['Mammal']): RekognitionLabelDef =>
  def([name], [...parents, 'Animal'], C.animal);
const food = (name: string, parents: string[] = []): RekognitionLabelDef => def([name], [...parents, 'Food'], C.food);

/** Index = centernet class id (0-based COCO order). */
export const COCO_LABELS: readonly RekognitionLabelDef[] = [
  def(['Person'], [], C.person),
  vehicle('Bicycle'),
  vehicle('Car'),
  vehicle('Motorcycle'),
  vehicle('Airplane', ['Aircraft']),
  vehicle('Bus'),
  vehicle('Train', ['Railway']),
  vehicle('Truck'),
  vehicle('Boat', ['Watercraft']),
  def(['Traffic Light'], ['Light'], C.outdoor),
  def(['Fire Hydrant'], [], C.outdoor),
  def(['Stop Sign'], ['Road Sign', 'Sign', 'Symbol'], C.outdoor),
  def(['Parking Meter'], [], C.outdoor),
  def(['Bench'], ['Furniture'], C.furniture),
  animal('Bird', []),
  pet('Cat'),
  pet('Dog'),
  animal('Horse'),
  animal('Sheep'),
  animal('Cow', ['Cattle', 'Mammal']),
  animal('Elephant', ['Wildlife', 'Mammal']),
  animal('Bear', ['Wildlife', 'Mammal']),
  animal('Zebra', ['Wildlife', 'Mammal']),
  animal('Giraffe', ['Wildlife', 'Mammal']),
  def(['Backpack'], ['Bag', 'Accessories'], C.accessory),
  def(['Umbrella'], [], C.accessory),
  def(['Handbag'], ['Bag', 'Accessories'], C.accessory),
  def(['Tie'], ['Accessories', 'Formal Wear', 'Clothing'], C.accessory),
  def(['Luggage'], ['Bag', 'Accessories'], C.accessory),
  def(['Frisbee'], ['Toy'], C.sports),
  def(['Skis'], ['Sport'], C.sports),
  def(['Snowboard'], ['Sport'], C.sports),
  def(['Ball'], ['Sport'], C.sports),
  def(['Kite'], ['Toy'], C.sports),
  def(['Baseball Bat'], ['Sport'], C.sports),
  def(['Baseball Glove'], ['Sport'], C.sports),
  def(['Skateboard'], ['Sport'], C.sports),
  def(['Surfboard'], ['Sport'], C.sports),
  def(['Tennis Racket'], ['Racket', 'Sport'], C.sports),
  def(['Bottle'], [], C.kitchen),
  def(['Wine Glass'], ['Glass'], C.kitchen),
  def(['Cup'], [], C.kitchen),
  def(['Fork'], ['Cutlery'], C.kitchen),
  def(['Knife'], ['Cutlery', 'Weapon'], C.kitchen),
  def(['Spoon'], ['Cutlery'], C.kitchen),
  def(['Bowl'], [], C.kitchen),
  food('Banana', ['Fruit', 'Plant']),
  food('Apple', ['Fruit', 'Plant']),
  food('Sandwich'),
  food('Orange', ['Citrus Fruit', 'Fruit', 'Plant']),
  food('Broccoli', ['Vegetable', 'Plant']),
  food('Carrot', ['Vegetable', 'Plant']),
  food('Hot Dog'),
  food('Pizza'),
  food('Donut', ['Pastry', 'Dessert']),
  food('Cake', ['Dessert']),
  def(['Chair'], ['Furniture'], C.furniture),
  def(['Couch'], ['Furniture'], C.furniture),
  def(['Potted Plant'], ['Plant'], C.home),
  def(['Bed'], ['Furniture'], C.furniture),
  def(['Dining Table'], ['Table', 'Furniture'], C.furniture),
  def(['Toilet'], ['Bathroom'], C.home),
  def(['TV'], ['Screen', 'Electronics'], C.tech),
  def(['Laptop'], ['Computer', 'Electronics'], C.tech),
  def(['Mouse'], ['Computer Hardware', 'Hardware', 'Electronics'], C.tech),
  def(['Remote Control'], ['Electronics'], C.tech),
  def(['Computer Keyboard'], ['Computer Hardware', 'Hardware', 'Electronics'], C.tech),
  def(['Mobile Phone', 'Cell Phone'], ['Phone', 'Electronics'], C.tech),
  def(['Microwave'], ['Appliance', 'Electrical Device'], C.kitchen),
  def(['Oven'], ['Appliance', 'Electrical Device'], C.kitchen),
  def(['Toaster'], ['Appliance', 'Electrical Device'], C.kitchen),
  def(['Sink'], [], C.home),
  def(['Refrigerator'], ['Appliance', 'Electrical Device'], C.kitchen),
  def(['Book'], ['Publication'], C.everyday),
  def(['Clock'], [], C.home),
  def(['Vase'], ['Pottery'], C.home),
  def(['Scissors'], ['Blade', 'Weapon'], C.everyday),
  def(['Teddy Bear'], ['Toy'], C.everyday),
  def(['Hair Drier'], ['Appliance', 'Electrical Device'], C.everyday),
  def(['Toothbrush'], ['Tool'], C.everyday),
];
