"""Word lists for synthetic papers: abstract vocabulary, titles, names, venues.

Written for this project; the words are ordered roughly by how common they are
in multimodal deep learning abstracts, which the generator turns into a Zipf
distribution (the first words occur in most abstracts, the last in few).
"""


def _words(text: str) -> list[str]:
    return text.split()


ABSTRACT_WORDS = _words("""
the of and a to in we is for that on with this our by are as from an be which
model learning data multimodal network method results approach proposed show
performance deep features representation task paper based information using
these can training two also image text visual video audio each their both such
neural across between more than into while propose state art demonstrate
experiments datasets benchmark evaluation accuracy framework architecture
attention fusion modalities modality language semantic encoder decoder joint
embedding space representations alignment cross level temporal spatial local
global context contextual information signals signal feature extraction layer
layers convolutional recurrent transformer self supervised unsupervised weakly
labels label annotation annotations large scale public new novel existing prior
work works previous recent however further improve improves improved outperforms
significantly baseline baselines compared comparison study analysis effective
efficient robust generalization domain adaptation transfer pretrained pretraining
fine tuning objective loss function contrastive reconstruction generative
adversarial discriminative latent variable variational distribution probability
graph node edge relation relational structure structured hierarchical sequence
sequences generation caption captions captioning question answering answer
questions retrieval ranking matching similarity classification recognition
detection segmentation tracking localization grounding reasoning knowledge
external memory module modules component components stage end trained jointly
speech speaker acoustic spectrogram waveform vocoder synthesis prosody phoneme
emotion affective sentiment facial expression expressions gesture gestures pose
body skeleton depth point cloud mesh geometry optical flow rgb frames frame clip
clips action actions event events activity scene scenes object objects region
regions proposal proposals pixel patch patches token tokens word words sentence
sentences vocabulary corpus captions descriptions description dense sparse
mechanism mechanisms gating gate pooling bilinear tensor factorization low rank
compact projection linear nonlinear kernel parameter parameters computational
cost complexity inference real time latency memory footprint lightweight mobile
human evaluation subjective objective metrics bleu meteor cider rouge spice
accuracy precision recall score scores mean average top quantitative qualitative
examples failure cases ablation ablations component analysis hyperparameter
sensitivity noise noisy missing incomplete imbalance imbalanced bias fairness
interpretability explainable explanation visualization saliency heatmap
physiological electroencephalography heart rate skin conductance wearable sensor
sensors multisensor multiview view views camera cameras microphone lidar radar
clinical medical health monitoring driving autonomous robot robotics navigation
instruction instructions dialogue conversational agent agents interactive user
users social media posts microblog news misinformation rumour hashtags images
tweets commonsense compositional program programs symbolic neuro modular
curriculum reinforcement policy reward rewards sampling beam search decoding
greedy autoregressive parallel nonautoregressive flow normalizing diffusion
denoising score estimation likelihood posterior prior inference variational
boltzmann belief restricted energy hopfield autoencoder autoencoders stacked
capsule capsules routing spiking neuromorphic quantization pruning distillation
teacher student ensemble mixture experts routing sparse gating switch adapter
adapters prompt prompts prompting zero few shot open vocabulary long tail
""")

# Each of these occurs in about one abstract in a thousand: they make the
# selective full-text search term of the benchmark.
RARE_WORDS = _words("""
quasiconformal isospectral holonomic tesseract heliotrope catadioptric
zwitterion palimpsest orthodromic synesthetic
""")

#: The term in most abstracts (the broad full-text search of the benchmark).
COMMON_TERM = "multimodal"

TITLE_OPENINGS = _words("""
Learning Towards Rethinking Revisiting Understanding Exploring Bridging Unifying
Scaling Improving Boosting Aligning Grounding Fusing Modelling Disentangling
""")

TITLE_METHODS = [
    "Attention Networks", "Graph Reasoning", "Contrastive Pretraining",
    "Cross-Modal Transformers", "Bilinear Pooling", "Memory Networks",
    "Variational Autoencoders", "Adversarial Training", "Knowledge Distillation",
    "Dense Captioning", "Neural Vocoders", "Tensor Fusion", "Capsule Routing",
    "Hierarchical Encoders", "Sparse Mixtures of Experts", "Diffusion Models",
    "Self-Supervised Objectives", "Prompt Tuning", "Spatio-Temporal Convolutions",
    "Compositional Modules", "Recurrent Decoders", "Deep Belief Networks",
]  # fmt: skip

TITLE_TASKS = [
    "Visual Question Answering", "Image Captioning", "Video Description",
    "Emotion Recognition", "Speech Synthesis", "Action Recognition",
    "Event Detection", "Cross-Modal Retrieval", "Sentiment Analysis",
    "Dense Video Captioning", "Referring Expression Grounding",
    "Audio-Visual Speech Recognition", "Gesture Recognition",
    "3D Shape Understanding", "Text-to-Speech", "Multimodal Dialogue",
    "Misinformation Detection", "Scene Understanding",
]  # fmt: skip

TITLE_SETTINGS = [
    "in the Wild", "with Limited Labels", "at Scale", "Across Domains",
    "with Missing Modalities", "from Noisy Supervision", "in Real Time",
    "on Mobile Devices", "with External Knowledge", "without Paired Data",
]  # fmt: skip

GIVEN_NAMES = _words("""
Aisha Alejandro Amara Anders Anika Arjun Astrid Ayumi Bao Beatriz Benedikt
Bilal Camila Carlos Chen Chiara Chidi Daniel Dario Deepa Dmitri Elena Elif
Emeka Emil Esther Fatima Felipe Freya Gabriel Giulia Hana Hannah Haruto Hassan
Helena Hiroshi Ibrahim Ines Ingrid Ivan Jakob Javier Jiwoo Joao Jonas Julia
Kai Kamal Karin Kenji Kwame Lars Laura Lea Leila Li Lin Lucas Luca Lukas
Maja Malik Mana Marco Maria Mateo Mei Mehmet Mina Ming Mohammed Nadia Naveen
Nikhil Nina Noah Olga Omar Oscar Pablo Priya Qing Rafael Rahul Ravi Rosa Rui
Sakura Samir Sara Sebastian Seo-yeon Shreya Sofia Sven Tariq Thiago Tomas Uma
Valentina Victor Wei Xin Yara Yasmin Yi Yuki Yusuf Zainab Zhen Zoe
""")

FAMILY_NAMES = _words("""
Abe Acosta Adeyemi Agarwal Ahmed Akhtar Alvarez Andersen Aoki Arslan Bakker
Banerjee Barros Becker Bergstrom Bianchi Bose Brandt Castillo Chandra Chang
Chatterjee Chen Cho Costa Cruz Dahl Das Demir Diaz Dubois Eriksson Esposito
Fernandes Fischer Fujita Garcia Gomez Gupta Hall Hansen Hashimoto Hoffmann
Horvat Huang Ibrahim Ito Iyer Jansen Jensen Jiang Johansson Kang Kapoor
Kato Khan Kim Klein Kowalski Kumar Kuznetsov Larsen Lee Li Lim Lin Liu Lopez
Lund Ma Mahmoud Martin Matsumoto Mehta Meyer Molina Moreau Mori Muller Murphy
Nakamura Nguyen Nielsen Novak Okafor Olsen Ortiz Park Patel Pereira Petrov
Qian Rahman Ramos Rao Reddy Rossi Saito Santos Sato Schmidt Sharma Shin Silva
Singh Song Sousa Suzuki Takahashi Tan Tanaka Thomas Torres Wagner Wang Watanabe
Weber Wong Wu Xu Yamamoto Yang Yilmaz Yoshida Zhang Zhao Zhou Zimmermann
""")

VENUE_TOPICS = [
    "Multimodal Learning", "Machine Perception", "Vision and Language",
    "Affective Computing", "Speech and Audio", "Video Understanding",
    "Representation Learning", "Intelligent Systems", "Multimedia",
    "Pattern Analysis", "Neural Computation", "Human-Centred Computing",
    "Embodied AI", "Knowledge Discovery", "Signal Processing",
]  # fmt: skip

PUBLISHERS = ["Synthetic Press", "Example Academic", "Placeholder Society"]
