// Fixed English text the tiny byte-level BPE is trained on. Written for this project (no
// third-party text). Its words are what the random model can "say", so it talks about
// pictures. Changing a single character changes the vocabulary and therefore every file.

export const CORPUS = `
The picture shows a small red house on a green hill under a bright blue sky. There is a tall tree
next to the house, and a white fence runs along the bottom of the image. In the left corner a brown
dog is sitting on the grass, looking at the camera. The light comes from the right side, so the
shadows fall to the left. The colors are warm and the scene looks calm and quiet.

This image is a photo of a city street at night. Cars with yellow lights move along the road, and
people walk on the wide sidewalk. The buildings are tall and grey, with many windows that glow in
the dark. A red sign on the right says that the shop is open. The sky is black and there are no
stars, because the city lights are too strong.

In this picture we can see a table with a white plate, a cup of coffee and a piece of cake. The
plate is round and the cake is brown with a layer of cream on top. A silver fork lies next to the
plate. The background is blurred, but it looks like a window with green plants behind it. The
photo was taken from above, so we see the top of the cup.

The image shows a chart with four bars. The first bar is blue and very tall, the second bar is
orange and a little shorter, the third bar is green and short, and the last bar is purple and
almost as tall as the first one. The title at the top of the chart is written in black letters.
There are numbers on the left side and labels under each bar.

Here is a drawing of a cat. The cat is orange with white paws and a long tail. It is lying on a
blue blanket and its eyes are closed, so it seems to be sleeping. The lines are simple and the
colors are flat, like in a book for children. There is a yellow ball of wool near the cat.

The photo shows a beach on a sunny day. The sand is light yellow and the water is clear blue
near the shore and dark blue far away. A few people are swimming, and a child is building a
sand castle. On the right there is a red and white umbrella. Small white clouds float in the sky
and a boat can be seen on the horizon.

This is a screenshot of a web page. At the top there is a dark menu bar with white text, and
below it a large title. The main part of the page is a list of items, each with a small picture
on the left and a short description on the right. A blue button at the bottom says continue.
The page looks clean and the text is easy to read.

The image is a gradient that goes from dark on one side to bright on the other side. There are
no objects in it, only smooth color that changes slowly across the picture. The top is a little
lighter than the bottom. It could be a background or a test image for a camera or a screen.

I can see a person standing in a field of flowers. The person wears a white shirt and a straw
hat, and holds a basket in one hand. The flowers are red, yellow and purple, and they cover the
whole field. Far behind the person there are mountains with snow on their tops. The sun is low,
so the light is soft and golden.

The picture shows a kitchen with a wooden table, four chairs and a large window. On the table
there is a bowl of fruit with apples, oranges and bananas. The walls are painted light green and
a clock hangs above the door. Everything looks clean and tidy, and the room seems bright and
friendly. What else would you like to know about this image?
`;
