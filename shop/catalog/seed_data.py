"""The demo catalog that `manage.py seed_catalog` loads: eight categories of nine products.

A few products have little stock and two have none, so the storefront's stock messages show.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedProduct:
    name: str
    price: str
    stock: int
    description: str
    featured: bool = False


@dataclass(frozen=True)
class SeedCategory:
    slug: str
    name: str
    description: str
    colours: tuple[str, str]  # the two ends of the product pictures' gradient
    products: tuple[SeedProduct, ...]


P = SeedProduct

# fmt: off
CATEGORIES: tuple[SeedCategory, ...] = (
    SeedCategory(
        slug="pantry",
        name="Pantry",
        description="Oils, grains, pulses and spices for the cupboard you cook from every day.",
        colours=("#c9a46a", "#7a5a2e"),
        products=(
            P("Cold-Pressed Rapeseed Oil", "7.50", 40,
              "A golden, grassy oil pressed on a farm in Herefordshire. Good for dressings and "
              "gentle frying.",
              featured=True),
            P("Aged Sherry Vinegar", "9.25", 22,
              "Matured in oak casks for six years; round, nutty and sharp in equal measure."),
            P("Bronze-Cut Rigatoni", "3.40", 65,
              "Durum wheat pasta extruded through bronze dies, so sauces cling to its rough "
              "surface."),
            P("Carnaroli Risotto Rice", "4.80", 38,
              "The risotto rice cooks swear by: it holds its shape and gives a creamy finish."),
            P("Puy Green Lentils", "3.20", 54,
              "Small slate-green lentils that keep their bite. Ready in twenty minutes, no "
              "soaking."),
            P("Smoked Sweet Paprika", "4.10", 3,
              "Peppers dried slowly over oak fires. A pinch brings warmth to stews and eggs."),
            P("Flaky Sea Salt", "3.95", 80,
              "Pyramid crystals harvested by hand on the Essex coast. Crumble it over at the end."),
            P("Tellicherry Black Peppercorns", "5.60", 31,
              "Large, ripe peppercorns left longer on the vine for a fuller, fruitier heat."),
            P("Chickpeas in a Jar", "2.90", 0,
              "Plump Spanish chickpeas cooked with a little salt, soft enough to blend into "
              "hummus."),
        ),
    ),
    SeedCategory(
        slug="tea-coffee",
        name="Tea & Coffee",
        description="Loose-leaf teas and freshly roasted beans, with the things to brew them.",
        colours=("#8f6b4f", "#3f2b20"),
        products=(
            P("Breakfast Blend Loose Tea", "6.50", 44,
              "Assam and Ceylon leaves blended for a brisk, malty cup that takes milk well.",
              featured=True),
            P("Earl Grey with Cornflower", "7.20", 29,
              "Black tea scented with bergamot oil and flecked with blue cornflower petals."),
            P("Sencha Green Tea", "8.40", 17,
              "Steamed Japanese green tea with a fresh, vegetal sweetness. Brew it cool."),
            P("Chamomile Flowers", "5.30", 26,
              "Whole chamomile heads for a calm, honeyed cup at the end of the day."),
            P("House Espresso Beans", "11.00", 35,
              "A chocolatey medium roast from Brazil and Colombia, roasted in small batches."),
            P("Ethiopian Filter Coffee", "12.50", 2,
              "Washed Yirgacheffe beans with notes of bergamot and apricot. Best as pour-over."),
            P("Ceramic Pour-Over Dripper", "18.00", 14,
              "A glazed stoneware cone that fits most mugs and takes standard paper filters."),
            P("Glass Teapot with Infuser", "24.00", 9,
              "Heat-proof borosilicate glass holding a litre, with a removable steel basket."),
            P("Enamel Coffee Canister", "15.50", 20,
              "An airtight enamel tin that keeps 250 g of beans dark and fresh."),
        ),
    ),
    SeedCategory(
        slug="preserves",
        name="Preserves & Honey",
        description="Jams, marmalades, chutneys and honeys made in small batches.",
        colours=("#e0a93b", "#a2462a"),
        products=(
            P("Seville Orange Marmalade", "4.75", 48,
              "Thick-cut and bittersweet, made each January when the Seville oranges arrive.",
              featured=True),
            P("Raspberry Jam", "4.50", 36,
              "Scottish raspberries cooked quickly with sugar and nothing else."),
            P("Damson Jam", "4.90", 12,
              "Deep purple and tart, from hedgerow damsons picked in Cumbria."),
            P("Wildflower Honey", "8.20", 23,
              "Runny honey from hives on chalk downland, light and floral."),
            P("Set Heather Honey", "10.50", 1,
              "A thick, aromatic honey from moorland heather, with a faint bitterness."),
            P("Caramelised Onion Chutney", "4.25", 40,
              "Red onions cooked slowly with brown sugar and balsamic. Made for cheese."),
            P("Spiced Apple Chutney", "4.25", 33,
              "Bramley apples, sultanas, ginger and a little clove."),
            P("Lemon Curd", "4.60", 19,
              "Made with free-range eggs and butter: silky, sharp and sunny."),
            P("Sour Cherry Preserve", "5.80", 15,
              "Whole Morello cherries in a loose, glossy set. Lovely with yoghurt."),
        ),
    ),
    SeedCategory(
        slug="baking",
        name="Baking",
        description="Flours, sugars and the tins and tools for bread, cakes and biscuits.",
        colours=("#e8cfa0", "#b07a45"),
        products=(
            P("Stoneground Wholemeal Flour", "2.80", 58,
              "Milled between French burr stones, keeping the whole of the wheat."),
            P("Strong White Bread Flour", "2.60", 61,
              "High-protein flour for a good rise and an open, chewy crumb.",
              featured=True),
            P("Golden Caster Sugar", "2.20", 70,
              "Unrefined fine sugar with a gentle caramel note. Dissolves quickly."),
            P("Madagascan Vanilla Pods", "9.90", 8,
              "Two plump, oily pods, full of seeds. Split, scrape and infuse."),
            P("Dutch Cocoa Powder", "5.40", 27,
              "Alkalised cocoa with a deep colour and smooth, rounded flavour."),
            P("Fluted Tart Tin", "12.00", 18,
              "A 23 cm carbon-steel tin with a loose base for clean, crisp tart shells."),
            P("Proving Basket", "16.50", 11,
              "A round rattan banneton with a linen liner for shaping sourdough."),
            P("Beechwood Rolling Pin", "14.00", 0,
              "A French-style tapered pin turned from a single piece of beech."),
            P("Loaf Tin, 2 lb", "11.50", 24,
              "Heavy-gauge steel with a non-stick finish and rolled edges."),
        ),
    ),
    SeedCategory(
        slug="cookware",
        name="Cookware",
        description="Pans, pots and casseroles that heat evenly and last for decades.",
        colours=("#6f7f8c", "#2c3640"),
        products=(
            P("Cast Iron Casserole, 24 cm", "89.00", 7,
              "Enamelled cast iron that goes from hob to oven to table. Holds 4.2 litres.",
              featured=True),
            P("Carbon Steel Frying Pan", "42.00", 16,
              "Light, fast to heat and naturally non-stick once seasoned. 28 cm across."),
            P("Stainless Saucepan Set", "120.00", 5,
              "Three tri-ply saucepans (14, 16 and 18 cm) with lids that nest together."),
            P("Copper Butter Warmer", "34.00", 3,
              "A small tin-lined copper pan for melting butter and warming sauces."),
            P("Cast Iron Griddle Pan", "38.50", 13,
              "Deep ridges for proper char lines on vegetables, steak and halloumi."),
            P("Stockpot, 8 Litre", "56.00", 9,
              "Wide and tall, with an encapsulated base for slow stocks and big batches."),
            P("Oval Roasting Dish", "29.00", 21,
              "Glazed stoneware that browns a chicken beautifully and serves it too."),
            P("Non-Stick Crêpe Pan", "25.00", 19,
              "A shallow 26 cm pan with low sides for flipping thin pancakes."),
            P("Steamer Insert", "19.50", 25,
              "A stainless steamer basket that sits on saucepans from 16 to 20 cm."),
        ),
    ),
    SeedCategory(
        slug="kitchen-tools",
        name="Kitchen Tools",
        description="Knives, boards and the small utensils you reach for without thinking.",
        colours=("#7fa38a", "#2f5341"),
        products=(
            P("Chef's Knife, 20 cm", "65.00", 12,
              "Forged German steel with a full tang and a comfortable olive-wood handle.",
              featured=True),
            P("End-Grain Chopping Board", "48.00", 10,
              "Oak blocks set end-grain up, kind to knife edges and handsome on the counter."),
            P("Olive Wood Spoon Set", "18.00", 30,
              "Three spoons carved from pruned olive branches, each with its own grain."),
            P("Balloon Whisk", "9.50", 42,
              "Twelve stainless wires for light meringues and smooth sauces."),
            P("Microplane Zester", "15.00", 37,
              "Razor-sharp etched blades for citrus zest, hard cheese and nutmeg."),
            P("Digital Kitchen Scale", "24.00", 2,
              "Weighs up to 5 kg in 1 g steps, with a tare button and a slim steel platform."),
            P("Mortar and Pestle", "27.00", 14,
              "Unpolished granite that grinds spices and pounds pesto with little effort."),
            P("Silicone Spatula", "7.00", 55,
              "Heat-resistant to 250 °C with a stiff core that scrapes bowls clean."),
            P("Fish Slice", "12.50", 26,
              "A thin, flexible slotted turner that slides under delicate fillets."),
        ),
    ),
    SeedCategory(
        slug="tableware",
        name="Tableware",
        description="Plates, bowls and glasses with a handmade feel, for every day and for guests.",
        colours=("#9bb3c9", "#40627f"),
        products=(
            P("Stoneware Dinner Plate", "14.00", 48,
              "A reactive speckled glaze over a sturdy body; dishwasher and microwave safe."),
            P("Stoneware Pasta Bowl", "13.00", 44,
              "Wide and shallow with a gentle lip, for pasta, salads and stews.",
              featured=True),
            P("Handmade Mug", "12.00", 34,
              "Thrown on the wheel in Stoke-on-Trent, holding a generous 350 ml."),
            P("Linen-Edge Side Plate", "9.00", 3,
              "A small plate with an unglazed rim that feels like rough linen."),
            P("Recycled Glass Tumblers, Set of 4", "22.00", 20,
              "Blown from recycled glass, each with a faint green tint and tiny bubbles."),
            P("Serving Platter", "32.00", 11,
              "A large oval platter for roasts, salads and generous sharing."),
            P("Brass Cutlery Set", "68.00", 6,
              "Four place settings in brushed brass with a satin finish."),
            P("Salt Pig", "16.00", 17,
              "A hooded stoneware jar that keeps salt dry and within easy reach."),
            P("Butter Dish", "18.50", 15,
              "A glazed stoneware dish with a domed lid, sized for a 250 g block."),
        ),
    ),
    SeedCategory(
        slug="linens",
        name="Linens & Textiles",
        description="Tea towels, table linen, throws and cushions, woven to soften with use.",
        colours=("#c7939b", "#6b3d4c"),
        products=(
            P("Striped Linen Tea Towel", "11.00", 60,
              "Heavy stonewashed linen that dries glasses without lint and softens with each "
              "wash.",
              featured=True),
            P("Waffle Cotton Tea Towels, Pair", "13.50", 45,
              "Absorbent waffle-weave cotton in oatmeal and ink."),
            P("Linen Napkins, Set of 4", "28.00", 22,
              "Washed European linen with mitred corners, in a soft sage green."),
            P("Linen Tablecloth", "65.00", 8,
              "Made for a table seating six; relaxed, crumpled and made to be used."),
            P("Wool Throw", "85.00", 4,
              "Woven in Wales from lambswool in a simple herringbone. 130 by 180 cm."),
            P("Quilted Cushion Cover", "26.00", 18,
              "Hand-stitched cotton with a kantha-style running stitch. 45 cm square."),
            P("Cotton Apron", "24.00", 27,
              "A heavy canvas apron with cross-back straps and one deep pocket."),
            P("Oven Gloves", "16.00", 1,
              "Double gloves with a thick cotton wadding and a heat-proof silicone grip."),
            P("Jute Table Runner", "21.00", 14,
              "Natural jute woven loosely, for a warm, textured table."),
        ),
    ),
)
# fmt: on
